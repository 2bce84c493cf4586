import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditInput } from '#shared/audit/record.ts';
import type { Caller } from '#shared/auth/caller.ts';
import { DecisionService } from '#shared/decision-service/index.ts';
import type { DataSourceInput } from '#shared/model/catalog.ts';
import { parsePolicyDocument } from '#shared/policy/index.ts';
import type { DecidingServices } from '#shared/services.ts';
import { batchWrite } from '#shared/store/batch.ts';
import { catalogKeys } from '#shared/store/key-formats.ts';
import { readSnapshotVersion } from '#shared/store/snapshot-changes.ts';
import { testServices } from '../../support/services.ts';

const audit = (id: string): AuditInput => ({ actor: { type: 'service', id: 'test' }, action: 'UPDATE', actionStatus: 'SUCCESS', targetType: 'dataSource', targets: [id], payload: {} });
const ctx = { caller: { principal: { type: 'service', id: 'test' }, permissions: new Set(), via: 'bootstrap' } as Caller };
const user = { iamid: 'bim', userid: 'ana' };
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

const columns = Array.from({ length: 20 }, (_, i) => ({ name: `col${i}`, type: 'varchar', tags: i % 5 ? [] : [`PII.Kind${i}`] }));
const sourceInput = (i: number, tags: string[] = [`Dept.D${i % 10}`]): DataSourceInput => ({ name: `S${i}`, platform: 'trino', database: 'w', schema: 's', table: `t${i}`, owners: [], tags, columns });

/** Every item a response carries (GetItem, Query, Scan, BatchGetItem), counted per call. */
function countReads(s: DecidingServices): { items: number; reset: () => void } {
  const counter = { items: 0, reset: () => (counter.items = 0) };
  s.db.doc.middlewareStack.add(
    (next) => async (args) => {
      const out = await next(args);
      const o = out.output as { Item?: unknown; Items?: unknown[]; Responses?: Record<string, unknown[]> };
      counter.items += (o.Item ? 1 : 0) + (o.Items?.length ?? 0) + Object.values(o.Responses ?? {}).reduce((n, l) => n + l.length, 0);
      return out;
    },
    { step: 'initialize', name: 'countReads' },
  );
  return counter;
}

/** A catalog of `size` sources (written as the repository writes them) and 20 policies by tag. */
async function organisation(size: number) {
  const s = await testServices();
  const reads = countReads(s);
  await s.users.create({ iamid: 'bim', userid: 'ana', displayName: 'Ana' });
  const now = new Date().toISOString();
  const items = Array.from({ length: size }, (_, i) => ({ pk: catalogKeys.source(`src${i}`), sk: catalogKeys.meta, ...sourceInput(i), id: `src${i}`, owners: [], version: 1, createdAt: now, updatedAt: now }));
  for (let i = 0; i < items.length; i += 25) expect(await batchWrite(s.db, s.db.tables.catalog, items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })))).toEqual([]);
  for (let d = 0; d < 20; d++) {
    const doc = parsePolicyDocument({ policyKey: `dept-${d}`, type: 'subscription', actions: { type: 'anyone' }, circumstances: [{ type: 'tags', tag: `Dept.D${d}` }] });
    await s.policies.put(doc, () => audit(`dept-${d}`));
  }
  const decisions = new DecisionService(s, { refreshMs: 0, userCacheMs: 600_000 });
  return { s, reads, decisions };
}

/** Items read by the first decision after `change`, and that decision's access to `sourceId`. */
async function readsFor(org: Awaited<ReturnType<typeof organisation>>, sourceId: string, change: () => Promise<unknown>) {
  await change();
  org.reads.reset();
  const decision = await org.decisions.decide(ctx, user, sourceId, 'trino');
  return { items: org.reads.items, access: decision.access };
}

describe('snapshot refresh on DynamoDB Local', () => {
  const measured: Record<number, Record<string, number>> = {};

  beforeAll(async () => {
    for (const size of [100, 1000]) {
      const org = await organisation(size);
      expect((await org.decisions.decide(ctx, user, 'src1', 'trino')).access).toBe('granted');
      const tag = await readsFor(org, 'src2', async () => org.s.catalog.putSource('src2', sourceInput(2, ['Unowned']), await org.s.catalog.getSource('src2'), audit('src2')));
      expect(tag.access).toBe('denied');
      const added = await readsFor(org, 'fresh', () => org.s.catalog.putSource('fresh', sourceInput(3), undefined, audit('fresh')));
      expect(added.access).toBe('granted');
      const doc = parsePolicyDocument({ policyKey: 'unowned', type: 'subscription', actions: { type: 'anyone' }, circumstances: [{ type: 'tags', tag: 'Unowned' }] });
      const policy = await readsFor(org, 'src2', () => org.s.policies.put(doc, () => audit('unowned')));
      expect(policy.access).toBe('granted');
      measured[size] = { tag: tag.items, added: added.items, policy: policy.items };
    }
  }, 240_000);

  it('reads a handful of items per change, the same at 1,000 sources as at 100', () => {
    for (const kind of ['tag', 'added', 'policy']) {
      expect(measured[1000]![kind], kind).toBe(measured[100]![kind]);
      expect(measured[1000]![kind], kind).toBeLessThanOrEqual(10);
    }
  });

  it('answers from the current snapshot while a trust change is rebuilt in full, without waiting for the slow scan', async () => {
    const org = await organisation(50);
    expect((await org.decisions.decide(ctx, user, 'src1', 'trino')).access).toBe('granted');
    // Every scan of the catalog now takes 1.5 s more: a real delay in the real client.
    org.s.db.doc.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'ScanCommand') await pause(1500);
        return next(args);
      },
      { step: 'initialize', name: 'slowScan' },
    );
    await org.s.iams.create({ id: 'okta', name: 'okta', scim: { enabled: false } });
    const before = (await org.decisions.snapshot()).version;
    await org.s.iams.update((await org.s.iams.get('okta'))!, {}, audit('okta'), true);
    const stored = await readSnapshotVersion(org.s.db);
    const started = performance.now();
    const during = await org.decisions.decide(ctx, user, 'src1', 'trino');
    expect(performance.now() - started).toBeLessThan(500);
    expect(during.access).toBe('granted');
    expect((await org.decisions.snapshot()).version).toBe(before);
    expect([...(await org.decisions.snapshot()).snapshot.trustedIams]).toEqual(['bim']);
    for (let i = 0; i < 60 && (await org.decisions.snapshot()).version !== stored; i++) await pause(100);
    const after = await org.decisions.snapshot();
    expect(after.version).toBe(stored);
    expect([...after.snapshot.trustedIams]).toEqual(['bim', 'okta']);
  }, 60_000);
});
