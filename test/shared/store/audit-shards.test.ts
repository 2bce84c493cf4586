import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { bareId, type AuditId, type AuditRecord } from '#shared/audit/record.ts';
import type { Services } from '#shared/services.ts';
import type { AuditQuery } from '#shared/store/audit-query.ts';
import type { Db } from '#shared/store/client.ts';
import { AUDIT_SHARDS, auditKeys } from '#shared/store/key-formats.ts';
import { testServices } from '../../support/services.ts';

let s: Services;
beforeAll(async () => {
  s = await testServices();
});

const DAY_MS = 86_400_000;

/** The item a record had before sharding: one partition per day, one index key per action. */
function legacyItem(record: AuditRecord): Record<string, unknown> {
  const sk = auditKeys.sort(record.eventTimestamp, record.id);
  const { pk: _pk, gsi2pk: _gsi2pk, ...rest } = s.audit.item(record);
  return { ...rest, pk: auditKeys.day(record.eventTimestamp), gsi2pk: auditKeys.action(record.action), sk };
}

async function store(items: Array<Record<string, unknown>>): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    const RequestItems = { [s.db.tables.audit]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) };
    await s.db.doc.send(new BatchWriteCommand({ RequestItems }));
  }
}

/** Every record of a query, following cursors page after page. */
async function pages(db: Db, q: Omit<AuditQuery, 'cursor'>): Promise<{ ids: string[]; pages: number }> {
  const { queryAudit } = await import('#shared/store/audit-query.ts');
  const ids: string[] = [];
  let cursor: string | null = null;
  let count = 0;
  do {
    const page = await queryAudit(db, { ...q, cursor });
    expect(page.records.length).toBeLessThanOrEqual(q.limit);
    ids.push(...page.records.map((r) => r.id));
    cursor = page.nextCursor;
    count++;
  } while (cursor && count < 500);
  return { ids, pages: count };
}

const bySortKeyNewestFirst = (a: AuditRecord, b: AuditRecord) =>
  Buffer.compare(Buffer.from(auditKeys.sort(b.eventTimestamp, b.id)), Buffer.from(auditKeys.sort(a.eventTimestamp, a.id)));

describe('sharded audit keys', () => {
  it('spreads the records of one instant over every shard, evenly', () => {
    const counts = new Array<number>(AUDIT_SHARDS).fill(0);
    for (let i = 0; i < 1600; i++) counts[auditKeys.shard(`mhx0k2a1-${i}`)]!++;
    expect(Math.min(...counts)).toBeGreaterThan(60);
    expect(Math.max(...counts)).toBeLessThan(140);
  });

  it('writes a record under its day shard and its action shard, both taken from its id', async () => {
    const record = await s.audit.write({ actor: { type: 'service', id: 'shard-probe' }, action: 'DECISION', actionStatus: 'SUCCESS', targetType: 't', targets: [], payload: {} });
    const shard = String(auditKeys.shard(record.id)).padStart(2, '0');
    const item = s.audit.item(record);
    expect(item).toMatchObject({ pk: `AUDIT#${record.eventTimestamp.slice(0, 10)}#${shard}`, gsi2pk: `AUDITACTION#DECISION#${shard}`, gsi1pk: 'AUDITUSER#shard-probe' });
  });

  it('pages through any mix of sharded and pre-sharding records, each exactly once, newest first', async () => {
    let run = 0;
    const record = fc.record({
      offset: fc.integer({ min: 0, max: 3 * DAY_MS - 1 }),
      uuid: fc.uuid(),
      user: fc.constantFrom('u0', 'u1', 'u2'),
      action: fc.constantFrom('A', 'B', 'A#03'),
      legacy: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(record, { maxLength: 14 }), fc.integer({ min: 1, max: 6 }), async (specs, limit) => {
        // Each run owns three days and its own users and actions, so runs never see each other's records.
        const base = Date.UTC(2001, 0, 1) + run * 10 * DAY_MS;
        const tag = `r${run++}`;
        const records = specs.map((spec) => {
          const at = new Date(base + spec.offset);
          const input = { actor: { type: 'user', id: `${tag}-${spec.user}`, iamid: 'bim' }, action: `${tag}-${spec.action}`, actionStatus: 'SUCCESS', targetType: 't', targets: [], payload: {} } as const;
          const id = `${at.getTime().toString(36).padStart(9, '0')}-${spec.uuid}`;
          return { record: { ...input, id, eventTimestamp: at.toISOString(), userId: `bim/${tag}-${spec.user}` as AuditId }, legacy: spec.legacy };
        });
        // fc.uuid may repeat within a run; a record id is unique, so keep one of each.
        const unique = [...new Map(records.map((r) => [r.record.id, r])).values()];
        await store(unique.map(({ record: r, legacy }) => (legacy ? legacyItem(r) : s.audit.item(r))));
        const all = unique.map((r) => r.record).sort(bySortKeyNewestFirst);
        const range = { from: new Date(base).toISOString(), to: new Date(base + 3 * DAY_MS - 1).toISOString(), limit };
        expect((await pages(s.db, range)).ids).toEqual(all.map((r) => r.id));
        for (const action of ['A', 'B', 'A#03'].map((a) => `${tag}-${a}`)) {
          expect((await pages(s.db, { ...range, action })).ids, action).toEqual(all.filter((r) => r.action === action).map((r) => r.id));
        }
        for (const userid of ['u0', 'u1'].map((u) => `${tag}-${u}`)) {
          const expected = all.filter((r) => bareId(r.userId) === userid && r.action === `${tag}-A`).map((r) => r.id);
          expect((await pages(s.db, { ...range, userid, action: `${tag}-A` })).ids, userid).toEqual(expected);
        }
      }),
      { numRuns: 12 },
    );
  });

  it('resumes a day cursor issued before sharding, reading the shards and the old partition past it', async () => {
    const { queryAudit } = await import('#shared/store/audit-query.ts');
    const day = Date.UTC(2003, 5, 1);
    const records = Array.from({ length: 6 }, (_, i) => {
      const at = new Date(day + 1000 * (i + 1));
      const id = `${at.getTime().toString(36).padStart(9, '0')}-old-${i}`;
      return { actor: { type: 'service', id: 'old' }, action: 'X', actionStatus: 'SUCCESS', targetType: 't', targets: [], payload: {}, id, eventTimestamp: at.toISOString(), userId: 'service:old' as AuditId } satisfies AuditRecord;
    });
    await store(records.map((r, i) => (i % 2 ? legacyItem(r) : s.audit.item(r))));
    const third = records[3]!;
    const cursor = Buffer.from(JSON.stringify({ pk: auditKeys.day(third.eventTimestamp), sk: auditKeys.sort(third.eventTimestamp, third.id) })).toString('base64url');
    const page = await queryAudit(s.db, { from: new Date(day).toISOString(), to: new Date(day + DAY_MS - 1).toISOString(), limit: 10, cursor });
    expect(page.records.map((r) => r.id)).toEqual([records[2]!.id, records[1]!.id, records[0]!.id]);
    expect(page.nextCursor).toBeNull();
  });
});

describe('audit page cost', () => {
  it('reads the 16 shards and the pre-sharding key of each day it touches, in one Query each', async () => {
    const { queryAudit } = await import('#shared/store/audit-query.ts');
    const day = Date.UTC(2004, 2, 2);
    const records = Array.from({ length: 40 }, (_, i) => {
      const at = new Date(day + 60_000 * (i + 1));
      const id = `${at.getTime().toString(36).padStart(9, '0')}-cost-${i}`;
      return { actor: { type: 'service', id: 'cost' }, action: 'C', actionStatus: 'SUCCESS', targetType: 't', targets: [], payload: {}, id, eventTimestamp: at.toISOString(), userId: 'service:cost' as AuditId } satisfies AuditRecord;
    });
    await store(records.map((r, i) => (i % 5 ? s.audit.item(r) : legacyItem(r))));
    let queries = 0;
    const counted: Db = { ...s.db, doc: new Proxy(s.db.doc, { get: (doc, name) => (name === 'send' ? (cmd: Parameters<typeof doc.send>[0]) => (queries++, doc.send(cmd)) : Reflect.get(doc, name)) }) };
    const cost = async (q: AuditQuery) => {
      queries = 0;
      const page = await queryAudit(counted, q);
      return { queries, records: page.records.length, next: page.nextCursor };
    };
    const oneDay = { from: new Date(day).toISOString(), to: new Date(day + DAY_MS - 1).toISOString(), limit: 10 };
    const first = await cost(oneDay);
    expect(first).toMatchObject({ queries: AUDIT_SHARDS + 1, records: 10 });
    expect(await cost({ ...oneDay, cursor: first.next })).toMatchObject({ queries: AUDIT_SHARDS + 1, records: 10 });
    expect(await cost({ ...oneDay, action: 'C' })).toMatchObject({ queries: AUDIT_SHARDS + 1, records: 10 });
    // The page is not full on the day of the records, so the day before is read too.
    const twoDays = { ...oneDay, from: new Date(day - DAY_MS).toISOString(), limit: 100 };
    expect(await cost(twoDays)).toMatchObject({ queries: 2 * (AUDIT_SHARDS + 1), records: 40, next: null });
  });

  it('reads about its share of a small page from each shard, not the whole page from every shard', async () => {
    const { queryAudit } = await import('#shared/store/audit-query.ts');
    const day = Date.UTC(2005, 3, 4);
    const records = Array.from({ length: 800 }, (_, i) => {
      const at = new Date(day + 60_000 * i);
      const id = `${at.getTime().toString(36).padStart(9, '0')}-share-${i}`;
      return { actor: { type: 'service', id: 'share' }, action: 'S', actionStatus: 'SUCCESS', targetType: 't', targets: [], payload: {}, id, eventTimestamp: at.toISOString(), userId: 'service:share' as AuditId } satisfies AuditRecord;
    });
    await store(records.map((r) => s.audit.item(r)));
    let queries = 0;
    let items = 0;
    const send = async (doc: Db['doc'], cmd: Parameters<Db['doc']['send']>[0]) => {
      queries++;
      const out = (await doc.send(cmd)) as { ScannedCount?: number };
      items += out.ScannedCount ?? 0;
      return out;
    };
    const counted: Db = { ...s.db, doc: new Proxy(s.db.doc, { get: (doc, name) => (name === 'send' ? (cmd: Parameters<typeof doc.send>[0]) => send(doc, cmd) : Reflect.get(doc, name)) }) };
    const newest = [...records].sort(bySortKeyNewestFirst).map((r) => r.id);
    let cursor: string | null = null;
    for (const [n, limit] of [10, 50, 50].entries()) {
      queries = 0;
      items = 0;
      const page = await queryAudit(counted, { from: new Date(day).toISOString(), to: new Date(day + DAY_MS - 1).toISOString(), limit, cursor });
      const offset = n === 0 ? 0 : 10 + 50 * (n - 1);
      expect(page.records.map((r) => r.id)).toEqual(newest.slice(offset, offset + limit));
      // Before each shard read its share, a page read `limit` items from each of the 17 partitions.
      expect(items, `page ${n}`).toBeLessThanOrEqual(3 * limit + 3 * (AUDIT_SHARDS + 1));
      expect(queries, `page ${n}`).toBeLessThanOrEqual(AUDIT_SHARDS + 1 + 4);
      cursor = page.nextCursor;
    }
  });

  it('reads more only from a shard that holds most of the page, doubling what it reads', async () => {
    const { queryAudit } = await import('#shared/store/audit-query.ts');
    const day = Date.UTC(2005, 4, 5);
    const records = Array.from({ length: 120 }, (_, i) => {
      const at = new Date(day + 60_000 * i);
      const id = `${at.getTime().toString(36).padStart(9, '0')}-skew-${i}`;
      return { actor: { type: 'service', id: 'skew' }, action: 'K', actionStatus: 'SUCCESS', targetType: 't', targets: [], payload: {}, id, eventTimestamp: at.toISOString(), userId: 'service:skew' as AuditId } satisfies AuditRecord;
    });
    // All but every tenth record sit in the pre-sharding partition: one partition holds the page.
    await store(records.map((r, i) => (i % 10 ? legacyItem(r) : s.audit.item(r))));
    let queries = 0;
    const counted: Db = { ...s.db, doc: new Proxy(s.db.doc, { get: (doc, name) => (name === 'send' ? (cmd: Parameters<typeof doc.send>[0]) => (queries++, doc.send(cmd)) : Reflect.get(doc, name)) }) };
    const page = await queryAudit(counted, { from: new Date(day).toISOString(), to: new Date(day + DAY_MS - 1).toISOString(), limit: 50 });
    expect(page.records.map((r) => r.id)).toEqual([...records].sort(bySortKeyNewestFirst).slice(0, 50).map((r) => r.id));
    // 17 first reads, then the old partition alone: 8, 16 and 32 items more.
    expect(queries).toBe(AUDIT_SHARDS + 1 + 3);
  });
});
