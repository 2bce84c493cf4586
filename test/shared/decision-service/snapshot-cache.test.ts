import { describe, expect, it } from 'vitest';
import { SnapshotCache } from '#shared/decision-service/snapshot-cache.ts';
import type { SnapshotLoader } from '#shared/decision-service/snapshot-loader.ts';
import type { DataSource } from '#shared/model/catalog.ts';
import type { SnapshotDelta } from '#shared/policy/index.ts';

const source = (id: string): DataSource => ({ id, name: id, platform: 'postgres', database: 'd', schema: 's', table: id, owners: [], tags: [], columns: [], version: 1, createdAt: '', updatedAt: '' });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An in-memory catalog whose changes are recorded as the store records them; `gap` loses the records. */
function harness(refreshMs: number, opts: { fullMs?: number; deltaMs?: number } = {}) {
  let now = 0;
  let sources = ['a'];
  const log: Array<{ version: number; added: string[]; removed: string[] }> = [];
  const calls = { version: 0, full: 0, delta: 0 };
  const failures: unknown[] = [];
  let gap = false;
  let unreadable: string | undefined;
  let failFull = false;
  const loader: SnapshotLoader = {
    artifact: async () => undefined,
    async version() {
      calls.version++;
      return log.length;
    },
    async full() {
      calls.full++;
      const at = [...sources];
      if (opts.fullMs) await pause(opts.fullMs);
      if (failFull) throw new Error('scan failed');
      return { sources: at.map(source), domains: [], policies: [], trustedIams: ['bim'] };
    },
    async delta(after, upTo): Promise<SnapshotDelta | undefined> {
      calls.delta++;
      if (opts.deltaMs) await pause(opts.deltaMs);
      if (gap) return undefined;
      const changed = new Map<string, DataSource | undefined>();
      for (const c of log.slice(after, upTo)) {
        // A stored item that is not a source at all (no columns), as a damaged table could hold.
        for (const id of c.added) changed.set(id, id === unreadable ? ({ ...source(id), columns: undefined } as unknown as DataSource) : source(id));
        for (const id of c.removed) changed.set(id, undefined);
      }
      return { sources: changed, domains: new Map(), policies: new Map() };
    },
  };
  const cache = new SnapshotCache(loader, refreshMs, (e) => failures.push(e), () => now);
  return {
    cache,
    calls,
    failures,
    advance: (ms: number) => (now += ms),
    change: (ids: string[]) => {
      log.push({ version: log.length + 1, added: ids.filter((id) => !sources.includes(id)), removed: sources.filter((id) => !ids.includes(id)) });
      sources = ids;
    },
    loseRecords: () => (gap = true),
    damage: (id: string) => (unreadable = id),
    failFullLoads: (fail: boolean) => (failFull = fail),
  };
}

describe('snapshot cache', () => {
  it('checks the version at most once per half interval, in the background, and shares one in-flight check', async () => {
    const h = harness(1000);
    await Promise.all([h.cache.current(), h.cache.current(), h.cache.current()]);
    expect(h.calls).toEqual({ version: 1, full: 1, delta: 0 });
    h.advance(499);
    await h.cache.current();
    expect(h.calls.version).toBe(1);
    h.advance(1);
    await Promise.all([h.cache.current(), h.cache.current()]);
    expect(h.calls).toEqual({ version: 2, full: 1, delta: 0 });
    await pause(0);
    await h.cache.current();
    expect(h.calls.version).toBe(2);
  });

  it('answers at once from the current snapshot while the check a decision started reads the changes, and from the next one once it lands', async () => {
    const h = harness(1000, { deltaMs: 300 });
    await h.cache.current();
    h.change(['a', 'b']);
    h.advance(500);
    const started = performance.now();
    const during = await Promise.all([h.cache.current(), h.cache.current()]);
    expect(performance.now() - started).toBeLessThan(100);
    expect(during.map((l) => l.snapshot.sourceIds)).toEqual([['a'], ['a']]);
    await pause(400);
    const after = await h.cache.current();
    expect(after.snapshot.sourceIds).toEqual(['a', 'b']);
    expect(h.calls).toMatchObject({ version: 2, delta: 1 });
  });

  it('waits for the check when the last one began a whole interval ago, so a change is in every decision that starts an interval after it', async () => {
    const h = harness(1000, { deltaMs: 50 });
    await h.cache.current();
    h.change(['a', 'b']);
    h.advance(1000);
    expect((await h.cache.current()).snapshot.sourceIds).toEqual(['a', 'b']);
  });

  it('does not answer a decision from a shared check that began more than an interval before it, but checks again', async () => {
    const h = harness(1000, { deltaMs: 300 });
    await h.cache.current();
    h.change(['a', 'b']);
    h.advance(600);
    await h.cache.current();
    h.change(['a', 'b', 'c']);
    h.advance(1100);
    expect((await h.cache.current()).snapshot.sourceIds).toEqual(['a', 'b', 'c']);
  });

  it('reports a failed background check, keeps answering, and waits for a check once the interval is over', async () => {
    let fail = false;
    const failures: unknown[] = [];
    let now = 0;
    const cache = new SnapshotCache(
      {
        version: async () => {
          if (fail) throw new Error('dynamodb down');
          return 1;
        },
        full: async () => ({ sources: [source('a')], domains: [], policies: [], trustedIams: ['bim'] }),
        delta: async () => undefined,
        artifact: async () => undefined,
      },
      1000,
      (e) => failures.push(e),
      () => now,
    );
    await cache.current();
    fail = true;
    now = 600;
    expect((await cache.current()).snapshot.sourceIds).toEqual(['a']);
    await pause(0);
    expect(failures).toHaveLength(1);
    now = 1000;
    await expect(cache.current()).rejects.toThrow('dynamodb down');
  });

  it('applies what changed once the interval passed, without loading everything again', async () => {
    const h = harness(1000);
    expect((await h.cache.current()).snapshot.sourceIds).toEqual(['a']);
    h.change(['a', 'b']);
    h.change(['b', 'c']);
    h.advance(500);
    expect((await h.cache.current()).snapshot.sourceIds).toEqual(['a']);
    h.advance(500);
    const loaded = await h.cache.current();
    expect(loaded.snapshot.sourceIds).toEqual(['b', 'c']);
    expect(loaded.version).toBe(2);
    expect(h.calls).toMatchObject({ full: 1, delta: 1 });
  });

  it('answers from the current snapshot while a full rebuild runs, and from the rebuilt one after', async () => {
    const h = harness(10, { fullMs: 400 });
    await h.cache.current();
    h.change(['a', 'b']);
    h.loseRecords();
    h.advance(10);
    const started = performance.now();
    const during = await Promise.all([h.cache.current(), h.cache.current()]);
    expect(performance.now() - started).toBeLessThan(100);
    expect(during.map((l) => l.snapshot.sourceIds)).toEqual([['a'], ['a']]);
    h.advance(10);
    expect((await h.cache.current()).snapshot.sourceIds).toEqual(['a']);
    expect(h.calls.full).toBe(2);
    await pause(600);
    const after = await h.cache.current();
    expect(after.snapshot.sourceIds).toEqual(['a', 'b']);
    expect(after.version).toBe(1);
    expect(h.calls.full).toBe(2);
  });

  it('keeps answering when a rebuild fails, reports it, and rebuilds at the next check', async () => {
    const h = harness(10);
    await h.cache.current();
    h.change(['z']);
    h.loseRecords();
    h.failFullLoads(true);
    h.advance(10);
    expect((await h.cache.current()).snapshot.sourceIds).toEqual(['a']);
    await pause(20);
    expect(h.failures).toHaveLength(1);
    h.failFullLoads(false);
    expect((await h.cache.current()).snapshot.sourceIds).toEqual(['a']);
    await pause(20);
    expect((await h.cache.current()).snapshot.sourceIds).toEqual(['z']);
  });

  it('reports a change it cannot apply and rebuilds in full instead of failing every decision', async () => {
    const h = harness(10);
    await h.cache.current();
    h.damage('bad');
    h.change(['a', 'bad']);
    h.advance(10);
    expect((await h.cache.current()).snapshot.sourceIds).toEqual(['a']);
    expect(h.failures).toHaveLength(1);
    await pause(20);
    expect((await h.cache.current()).snapshot.sourceIds).toEqual(['a', 'bad']);
    expect(h.calls.full).toBe(2);
  });

  it('retries after a failed check instead of caching the failure', async () => {
    let fail = true;
    const cache = new SnapshotCache(
      {
        version: async () => {
          if (fail) throw new Error('dynamodb down');
          return 1;
        },
        full: async () => ({ sources: [], domains: [], policies: [], trustedIams: ['bim'] }),
        delta: async () => undefined,
        artifact: async () => undefined,
      },
      1000,
      () => {},
    );
    await expect(cache.current()).rejects.toThrow('dynamodb down');
    fail = false;
    expect((await cache.current()).version).toBe(1);
  });
});
