import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPolicyApp } from '#functions/policy/app.ts';
import type { DecidingServices } from '#shared/services.ts';
import { ADMIN_KEY, bearer, json, testServices } from '../../support/services.ts';

let s: DecidingServices;
let app: ReturnType<typeof createPolicyApp>;
const admin = bearer(ADMIN_KEY);

type Counts = Record<string, { dataSources: number; columns: number }>;
interface Listed {
  id: string;
  tags: string[];
  columns: Array<{ tags: string[] }>;
}

const source = (tags: string[], columnTags: string[][], domain?: string) => ({
  name: 'Source',
  platform: 'postgres',
  database: 'db',
  schema: 'public',
  table: 't',
  ...(domain ? { domain } : {}),
  tags,
  columns: columnTags.map((t, i) => ({ name: `c${i}`, type: 'varchar', tags: t })),
});

/** Every page of `/v1/tags`, with a small page size so that paging is part of what is checked. */
async function tagCounts(): Promise<Counts> {
  const out: Counts = {};
  let cursor: string | null = null;
  do {
    const res = await app.request(`/v1/tags?limit=3${cursor ? `&cursor=${cursor}` : ''}`, { headers: admin });
    const page = (await res.json()) as { tags: Array<{ tag: string; dataSources: number; columns: number }>; nextCursor: string | null };
    for (const { tag, ...n } of page.tags) out[tag] = n;
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** The counts recomputed from the sources themselves, as listed. */
async function countedFromSources(): Promise<Counts> {
  const { dataSources } = (await (await app.request('/v1/data-sources', { headers: admin })).json()) as { dataSources: Listed[] };
  const out: Counts = {};
  const bump = (tag: string, field: 'dataSources' | 'columns') => {
    out[tag] ??= { dataSources: 0, columns: 0 };
    out[tag][field]++;
  };
  for (const src of dataSources) {
    for (const t of new Set(src.tags)) bump(t, 'dataSources');
    for (const col of src.columns) for (const t of new Set(col.tags)) bump(t, 'columns');
  }
  return out;
}

const ids = async (path: string) => ((await (await app.request(path, { headers: admin })).json()) as { dataSources: Listed[] }).dataSources.map((d) => d.id);

beforeAll(async () => {
  s = await testServices();
  app = createPolicyApp(s);
});

describe('tag counts and the tag index', () => {
  it('stay exact through random creates, re-tags and deletes, and the tag filter follows them', async () => {
    const tag = fc.constantFrom('A', 'A.B', 'A.B.C', 'D', 'D.E', 'F');
    const op = fc.record({
      id: fc.constantFrom('s1', 's2', 's3', 's4'),
      remove: fc.boolean(),
      tags: fc.array(tag, { maxLength: 3 }),
      columns: fc.array(fc.array(tag, { maxLength: 2 }), { maxLength: 3 }),
      domain: fc.option(fc.constantFrom('x', 'y'), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 6 }), async (ops) => {
        for (const o of ops) {
          const res = o.remove
            ? await app.request(`/v1/data-sources/${o.id}`, { method: 'DELETE', headers: admin })
            : await app.request(`/v1/data-sources/${o.id}`, json('PUT', source(o.tags, o.columns, o.domain), admin));
          expect([200, 201, 204, 404]).toContain(res.status);
        }
        expect(await tagCounts()).toEqual(await countedFromSources());
        const { dataSources } = (await (await app.request('/v1/data-sources', { headers: admin })).json()) as { dataSources: Listed[] };
        const carrying = (t: string) => dataSources.filter((d) => [...d.tags, ...d.columns.flatMap((c) => c.tags)].some((x) => x === t || x.startsWith(`${t}.`))).map((d) => d.id);
        for (const t of ['A', 'A.B', 'D', 'F']) expect(await ids(`/v1/data-sources?tag=${t}`)).toEqual(carrying(t));
        for (const d of ['x', 'y']) expect(await ids(`/v1/data-sources?domain=${d}`)).toEqual(((await (await app.request('/v1/data-sources', { headers: admin })).json()) as { dataSources: Array<Listed & { domain?: string }> }).dataSources.filter((x) => x.domain === d).map((x) => x.id));
      }),
      { numRuns: 15 },
    );
  }, 180_000);

  it('stay exact under concurrent writes: of many sources at once, and of one source by racing writers', async () => {
    const many = await Promise.all(Array.from({ length: 20 }, (_, i) => app.request(`/v1/data-sources/par${i}`, json('PUT', source(['Concurrent.X'], [['Concurrent.Col']]), admin))));
    expect(many.map((r) => r.status)).toEqual(Array(20).fill(201));
    await app.request('/v1/data-sources/race', json('PUT', source(['Race.Start'], []), admin));
    const racers = await Promise.all(
      ['Race.A', 'Race.B', 'Race.C', 'Race.D', 'Race.E'].map((t) => app.request('/v1/data-sources/race', json('PUT', source([t], [[t]]), admin))),
    );
    // Each racer read the source and wrote conditionally on that version: the losers changed nothing.
    expect(racers.some((r) => r.status === 200)).toBe(true);
    for (const r of racers) expect([200, 409]).toContain(r.status);
    const counts = await tagCounts();
    expect(counts['Concurrent.X']).toEqual({ dataSources: 20, columns: 0 });
    expect(counts['Concurrent.Col']).toEqual({ dataSources: 0, columns: 20 });
    expect(counts).toEqual(await countedFromSources());
    expect(await ids('/v1/data-sources?tag=Race')).toEqual(['race']);
  }, 60_000);

  it('drops a tag from the listing once nothing carries it', async () => {
    await app.request('/v1/data-sources/lonely', json('PUT', source(['Lonely.Tag'], [['Lonely.Col']]), admin));
    expect(Object.keys(await tagCounts())).toEqual(expect.arrayContaining(['Lonely.Tag', 'Lonely.Col']));
    expect((await app.request('/v1/data-sources/lonely', { method: 'DELETE', headers: admin })).status).toBe(204);
    expect(Object.keys(await tagCounts())).not.toContain('Lonely.Tag');
    expect(await ids('/v1/data-sources?tag=Lonely')).toEqual([]);
  });

  it('refuses with 400 a source whose tag index would not fit its transaction, and stores nothing', async () => {
    const before = await tagCounts();
    const wide = source([], Array.from({ length: 50 }, (_, i) => [`Wide.T${i}`]));
    const res = await app.request('/v1/data-sources/wide', json('PUT', wide, admin));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/^data source `wide` would hold 102 tag index entries/);
    expect((await app.request('/v1/data-sources/wide', { headers: admin })).status).toBe(404);
    expect(await tagCounts()).toEqual(before);
    const fits = source([], Array.from({ length: 40 }, (_, i) => [`Wide.T${i}`]));
    expect((await app.request('/v1/data-sources/wide', json('PUT', fits, admin))).status).toBe(201);
    expect((await tagCounts())['Wide.T39']).toEqual({ dataSources: 0, columns: 1 });
    expect((await app.request('/v1/data-sources/wide', { method: 'DELETE', headers: admin })).status).toBe(204);
    expect(await tagCounts()).toEqual(before);
  });
});
