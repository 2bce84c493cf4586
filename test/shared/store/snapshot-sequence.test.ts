import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditInput } from '#shared/audit/record.ts';
import type { DataSource, DataSourceInput } from '#shared/model/catalog.ts';
import type { Services } from '#shared/services.ts';
import { VersionMismatchError } from '#shared/store/errors.ts';
import { catalogKeys } from '#shared/store/key-formats.ts';
import { readChanges, readSnapshotVersion } from '#shared/store/snapshot-changes.ts';
import { ABANDON_AFTER_MS, reserve } from '#shared/store/snapshot-sequence.ts';
import { testServices } from '../../support/services.ts';

let s: Services;
const audit = (id: string): AuditInput => ({ actor: { type: 'service', id: 'test' }, action: 'UPDATE', actionStatus: 'SUCCESS', targetType: 'dataSource', targets: [id], payload: {} });
const input = (name: string): DataSourceInput => ({ name, platform: 'trino', database: 'd', schema: 's', table: 't', owners: [], tags: ['Shared'], columns: [] });

beforeAll(async () => {
  s = await testServices();
});

/** The sources as a reader keeps them: a full scan once, then only what each version's changes name. */
class PollingReader {
  readonly sources = new Map<string, DataSource>();
  /** Per read: when it started (before the version was read) and every id seen up to it. */
  readonly reads: Array<{ startedAt: number; seen: Set<string> }> = [];
  private version = 0;
  private readonly seen = new Set<string>();

  async start(): Promise<void> {
    this.version = await readSnapshotVersion(s.db);
    for (const source of (await s.catalog.scan()).sources) this.sources.set(source.id, source);
  }

  async poll(): Promise<void> {
    const startedAt = performance.now();
    const upTo = await readSnapshotVersion(s.db);
    const changes = await readChanges(s.db, this.version, upTo);
    expect(changes).toBeDefined();
    const ids = [...new Set(changes!.map((c) => c.id))];
    const found = new Map((await s.catalog.getMany(ids, [])).sources.map((x) => [x.id, x]));
    for (const id of ids) {
      this.seen.add(id);
      const source = found.get(id);
      if (source) this.sources.set(id, source);
      else this.sources.delete(id);
    }
    this.version = upTo;
    this.reads.push({ startedAt, seen: new Set(this.seen) });
  }
}

describe('concurrent snapshot writers', () => {
  it('never hide an acknowledged change from a reader polling during them, and the reader ends where a full scan is', async () => {
    const existing = await s.catalog.putSource('contended', input('v1'), undefined, audit('contended'));
    await s.catalog.putSource('doomed', input('v1'), undefined, audit('doomed'));
    const reader = new PollingReader();
    await reader.start();
    const acked = new Map<string, number>();
    const ack = (id: string) => () => void acked.set(id, performance.now());
    // New sources, a delete, and ten writers racing on one version of one source (one wins).
    const writes = [
      ...Array.from({ length: 40 }, (_, i) => s.catalog.putSource(`n${i}`, input(`n${i}`), undefined, audit(`n${i}`)).then(ack(`n${i}`))),
      s.catalog.deleteSource('doomed', audit('doomed')).then(ack('doomed')),
      ...Array.from({ length: 10 }, (_, i) => s.catalog.putSource('contended', input(`v2-${i}`), existing, audit('contended')).then(ack('contended'))),
    ];
    let done = false;
    const settled = Promise.allSettled(writes).finally(() => (done = true));
    while (!done) await reader.poll();
    const outcomes = await settled;
    await reader.poll();

    const refused = outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason);
    expect(refused).toHaveLength(9);
    for (const reason of refused) expect(reason).toBeInstanceOf(VersionMismatchError);
    expect(acked.size).toBe(42);
    for (const { startedAt, seen } of reader.reads) {
      for (const [id, at] of acked) if (at < startedAt) expect(seen.has(id), `\`${id}\`, acknowledged before a read began, is in it`).toBe(true);
    }
    const scanned = new Map((await s.catalog.scan()).sources.map((x) => [x.id, x]));
    expect(reader.sources).toEqual(scanned);
    expect(reader.sources.has('doomed')).toBe(false);
  }, 60_000);

  it('acknowledges a write after an earlier number was reserved and never written, once that number is abandoned', async () => {
    const before = await readSnapshotVersion(s.db);
    const dead = await reserve(s.db);
    const started = performance.now();
    await s.catalog.putSource('after-dead', input('x'), undefined, audit('after-dead'));
    expect(performance.now() - started).toBeGreaterThanOrEqual(ABANDON_AFTER_MS);
    const after = await readSnapshotVersion(s.db);
    expect(after).toBe(dead.seq + 1);
    expect(await readChanges(s.db, before, after)).toEqual([{ kind: 'source', id: 'after-dead', op: 'put' }]);
  }, 30_000);

  it('gives a write whose number was abandoned while it was slow a new number, so it is never lost', async () => {
    const before = await readSnapshotVersion(s.db);
    let delayed = false;
    // The slow writer: its first transaction reaches DynamoDB only after its number is abandoned.
    s.db.doc.middlewareStack.add(
      (next, context) => async (args) => {
        const input = (args as { input: { TransactItems?: Array<{ Put?: { Item?: { pk?: string } } }> } }).input;
        if (!delayed && context.commandName === 'TransactWriteItemsCommand' && input.TransactItems?.[0]?.Put?.Item?.pk === catalogKeys.source('slow')) {
          delayed = true;
          await new Promise((r) => setTimeout(r, ABANDON_AFTER_MS + 1500));
        }
        return next(args);
      },
      { step: 'initialize', name: 'slowWriter' },
    );
    try {
      const acked: string[] = [];
      const slow = s.catalog.putSource('slow', input('slow'), undefined, audit('slow')).then(() => acked.push('slow'));
      await new Promise((r) => setTimeout(r, 200));
      await s.catalog.putSource('quick', input('quick'), undefined, audit('quick')).then(() => acked.push('quick'));
      await slow;
      expect(delayed).toBe(true);
      expect(acked).toEqual(['quick', 'slow']);
      const after = await readSnapshotVersion(s.db);
      expect((await readChanges(s.db, before, after))!.map((c) => c.id)).toEqual(['quick', 'slow']);
      expect((await s.catalog.getSource('slow'))?.name).toBe('slow');
    } finally {
      s.db.doc.middlewareStack.remove('slowWriter');
    }
  }, 30_000);
});
