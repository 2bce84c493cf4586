import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPolicyApp } from '#functions/policy/app.ts';
import type { DecidingServices } from '#shared/services.ts';
import { backfillCatalogIndex } from '#shared/store/catalog-backfill.ts';
import { catalogKeys } from '#shared/store/key-formats.ts';
import { ADMIN_KEY, bearer, json, testServices } from '../../support/services.ts';

let s: DecidingServices;
let app: ReturnType<typeof createPolicyApp>;
const admin = bearer(ADMIN_KEY);
const now = '2026-01-01T00:00:00.000Z';

/** A source as an earlier version stored it: the item alone, with no index entry and no count. */
async function legacySource(id: string, tags: string[], columnTags: string[] = [], domain?: string): Promise<void> {
  const item = { pk: catalogKeys.source(id), sk: catalogKeys.meta, id, name: id, platform: 'postgres', database: 'db', schema: 's', table: id, owners: ['jdoe'], tags, columns: [{ name: 'c', type: 'varchar', tags: columnTags }], ...(domain ? { domain } : {}), version: 3, createdAt: now, updatedAt: now };
  await s.db.doc.send(new PutCommand({ TableName: s.db.tables.catalog, Item: item }));
}

const get = async (path: string) => (await (await app.request(path, { headers: admin })).json()) as Record<string, unknown>;
const ids = async (path: string) => ((await get(path)).dataSources as Array<{ id: string }>).map((d) => d.id);
const counts = async () => Object.fromEntries(((await get('/v1/tags')).tags as Array<{ tag: string; dataSources: number; columns: number }>).map(({ tag, ...n }) => [tag, n]));

beforeAll(async () => {
  s = await testServices();
  app = createPolicyApp(s);
});

describe('a catalog stored before the listing index', () => {
  it('is indexed once by the backfill, with exact counts, and a second run changes nothing', async () => {
    await legacySource('old-a', ['Old.Tag'], ['Old.Col'], 'legacy');
    await legacySource('old-b', ['Old.Tag']);
    await s.db.doc.send(new PutCommand({ TableName: s.db.tables.catalog, Item: { pk: catalogKeys.domain('legacy'), sk: catalogKeys.meta, id: 'legacy', name: 'Legacy', tags: [], version: 1 } }));
    expect(await ids('/v1/data-sources')).toEqual([]);
    expect(await backfillCatalogIndex(s.db)).toEqual({ sources: 2, domains: 1, tooLarge: [], done: true });
    expect(await ids('/v1/data-sources')).toEqual(['old-a', 'old-b']);
    expect(await ids('/v1/data-sources?tag=Old')).toEqual(['old-a', 'old-b']);
    expect(await ids('/v1/data-sources?domain=legacy')).toEqual(['old-a']);
    expect(((await get('/v1/domains')).domains as Array<{ id: string }>).map((d) => d.id)).toEqual(['legacy']);
    expect(await counts()).toEqual({ 'Old.Tag': { dataSources: 2, columns: 0 }, 'Old.Col': { dataSources: 0, columns: 1 } });
    await legacySource('late', ['Old.Tag']);
    expect(await backfillCatalogIndex(s.db)).toEqual({ sources: 0, domains: 0, tooLarge: [], done: true });
    expect((await counts())['Old.Tag']).toEqual({ dataSources: 2, columns: 0 });
  });

  it('is indexed by its next write, or left out of the counts by its delete, without a backfill', async () => {
    await legacySource('late', ['Old.Tag']);
    await legacySource('gone', ['Old.Tag', 'Gone.Tag']);
    const put = await app.request('/v1/data-sources/late', json('PUT', { name: 'late', platform: 'postgres', database: 'db', schema: 's', table: 'late', tags: ['Old.Tag', 'New.Tag'] }, { ...admin, 'if-match': 'W/"3"' }));
    expect(put.status).toBe(200);
    expect((await app.request('/v1/data-sources/gone', { method: 'DELETE', headers: admin })).status).toBe(204);
    expect(await ids('/v1/data-sources?tag=Old')).toEqual(['late', 'old-a', 'old-b']);
    const after = await counts();
    expect(after['Old.Tag']).toEqual({ dataSources: 3, columns: 0 });
    expect(after['New.Tag']).toEqual({ dataSources: 1, columns: 0 });
    expect(after['Gone.Tag']).toBeUndefined();
  });

  it('is resumed where a stopped run left it, and a source written between two runs is counted once', async () => {
    const fresh = await testServices();
    const saved = s;
    s = fresh;
    try {
      for (const id of ['r1', 'r2', 'r3', 'r4', 'r5', 'r6']) await legacySource(id, ['Resumed']);
      const first = await backfillCatalogIndex(s.db, { pageSize: 2, until: 0 });
      expect(first.done).toBe(false);
      const app2 = createPolicyApp(s);
      const put = await app2.request('/v1/data-sources/r6', json('PUT', { name: 'r6', platform: 'postgres', database: 'db', schema: 's', table: 'r6', tags: ['Resumed'] }, { ...admin, 'if-match': 'W/"3"' }));
      expect(put.status).toBe(200);
      const runs = [first];
      while (!runs.at(-1)!.done) runs.push(await backfillCatalogIndex(s.db, { pageSize: 2, until: 0 }));
      expect(runs.length).toBeGreaterThan(2);
      const tags = (await (await app2.request('/v1/tags', { headers: admin })).json()) as { tags: Array<{ tag: string; dataSources: number }> };
      expect(tags.tags).toEqual([{ tag: 'Resumed', dataSources: 6, columns: 0 }]);
    } finally {
      s = saved;
    }
  });
});
