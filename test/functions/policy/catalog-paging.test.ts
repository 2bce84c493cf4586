import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPolicyApp } from '#functions/policy/app.ts';
import type { DecidingServices } from '#shared/services.ts';
import { ADMIN_KEY, bearer, json, testServices } from '../../support/services.ts';

let s: DecidingServices;
let app: ReturnType<typeof createPolicyApp>;
const admin = bearer(ADMIN_KEY);

interface Src {
  readonly id: string;
  readonly domain?: string;
  readonly tags: string[];
  readonly columns: Array<{ name: string; type: string; tags: string[] }>;
}

const TAGS = ['PII', 'PII.Email', 'PII.Phone.Mobile', 'Finance', 'Finance.Ledger', 'Public', 'Zone é.Sub'];
// Ids whose UTF-8 order differs from JavaScript's UTF-16 order, beside ordinary ones.
const ODD_IDS = ['Zeta', 'a~b', 'é-source', '\u{1F600}-emoji', '\uFF21-fullwidth'];
const fixture: Src[] = [...Array.from({ length: 40 }, (_, i) => `src${String(i).padStart(2, '0')}`), ...ODD_IDS].map((id, i) => ({
  id,
  ...(i % 4 === 0 ? { domain: 'sales' } : i % 7 === 0 ? { domain: 'ghost' } : {}),
  tags: i % 3 === 0 ? [TAGS[i % TAGS.length]!] : [],
  columns: [
    { name: 'id', type: 'integer', tags: [] },
    { name: 'c', type: 'varchar', tags: i % 5 === 0 ? [TAGS[(i + 2) % TAGS.length]!, TAGS[(i + 4) % TAGS.length]!] : [] },
  ],
}));

const body = (src: Src) => ({ name: src.id, platform: 'postgres', database: 'db', schema: 'public', table: `t_${src.id}`, ...(src.domain ? { domain: src.domain } : {}), tags: src.tags, columns: src.columns });
const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
const covers = (a: string, t: string) => t === a || t.startsWith(`${a}.`);
const SALES_TAGS = ['Finance'];

/** The oracle: which fixture sources a filter matches, in DynamoDB's (UTF-8) order. */
function expected(filter: { tag?: string; domain?: string }): string[] {
  return fixture
    .filter((src) => filter.tag === undefined || [...src.tags, ...src.columns.flatMap((c) => c.tags)].some((t) => covers(filter.tag!, t)))
    .filter((src) => filter.domain === undefined || src.domain === filter.domain || (filter.domain === 'sales' && SALES_TAGS.some((d) => src.tags.some((t) => covers(d, t)))))
    .map((src) => src.id)
    .sort(byBytes);
}

async function get(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await app.request(path, { headers: admin });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Every page of a listing, following `nextCursor`; the ids (or tags) in the order answered and the page count. */
async function walk(path: string, field: 'dataSources' | 'domains' | 'tags', limit: number): Promise<{ keys: string[]; pages: number }> {
  const keys: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res = await get(`${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(res.status).toBe(200);
    const items = res.body[field] as Array<{ id?: string; tag?: string }>;
    expect(items.length).toBeLessThanOrEqual(limit);
    keys.push(...items.map((i) => i.id ?? i.tag!));
    cursor = res.body.nextCursor as string | null;
    pages++;
  } while (cursor);
  return { keys, pages };
}

const query = (f: { tag?: string; domain?: string }) => {
  const q = new URLSearchParams(Object.entries(f).filter((e): e is [string, string] => e[1] !== undefined));
  return `/v1/data-sources${q.size ? `?${q}` : ''}`;
};

beforeAll(async () => {
  s = await testServices();
  app = createPolicyApp(s);
  expect((await app.request('/v1/domains/sales', json('PUT', { name: 'Sales', tags: SALES_TAGS }, admin))).status).toBe(201);
  for (const src of fixture) expect((await app.request(`/v1/data-sources/${encodeURIComponent(src.id)}`, json('PUT', body(src), admin))).status).toBe(201);
}, 60_000);

describe('catalog listings, paged', () => {
  it('answers a catalog that fits one page whole without paging parameters, with a null nextCursor', async () => {
    const res = await get('/v1/data-sources');
    expect((res.body.dataSources as Array<{ id: string }>).map((d) => d.id)).toEqual(expected({}));
    expect(res.body.nextCursor).toBeNull();
    expect((res.body.dataSources as Array<{ columns: unknown[] }>)[0]!.columns).toHaveLength(2);
  });

  it('walks every matching source exactly once, in id order, whatever the page size and filters', async () => {
    const filters = fc.constantFrom<{ tag?: string; domain?: string }>({}, { tag: 'PII' }, { tag: 'PII.Phone' }, { tag: 'Zone é' }, { domain: 'sales' }, { domain: 'ghost' }, { domain: 'nowhere' }, { tag: 'PII', domain: 'sales' }, { tag: 'Finance', domain: 'sales' });
    await fc.assert(
      fc.asyncProperty(filters, fc.integer({ min: 1, max: 12 }), async (filter, limit) => {
        const want = expected(filter);
        const { keys, pages } = await walk(query(filter), 'dataSources', limit);
        expect(keys).toEqual(want);
        if (filter.tag === undefined || filter.domain === undefined) expect(pages).toBe(Math.max(1, Math.ceil(want.length / limit)));
      }),
      { numRuns: 25 },
    );
  }, 120_000);

  it('pages domains and tags the same way', async () => {
    await app.request('/v1/domains/alpha', json('PUT', { name: 'Alpha' }, admin));
    expect((await walk('/v1/domains', 'domains', 1)).keys).toEqual(['alpha', 'sales']);
    const whole = (await get('/v1/tags')).body.tags as Array<{ tag: string }>;
    expect((await walk('/v1/tags', 'tags', 2)).keys).toEqual(whole.map((t) => t.tag));
    expect(whole.map((t) => t.tag)).toEqual([...TAGS].sort(byBytes));
  });

  it('refuses with 400 a garbled or forged cursor, and a cursor of another query, never a 5xx', async () => {
    const first = await get('/v1/data-sources?limit=2&tag=PII');
    const issued = first.body.nextCursor as string;
    expect(issued).toMatch(/^[A-Za-z0-9_-]+$/);
    for (const other of ['/v1/data-sources?limit=2', '/v1/data-sources?limit=2&tag=Finance', '/v1/domains?limit=2', '/v1/tags?limit=2']) {
      const res = await get(`${other}&cursor=${issued}`);
      expect(res.status).toBe(400);
      expect(res.body.detail).toBe('invalid cursor');
    }
    const forged = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');
    const cursors = fc.oneof(
      fc.string({ minLength: 1, maxLength: 300 }),
      fc.base64String({ minLength: 1, maxLength: 300 }),
      fc.record({ after: fc.oneof(fc.string(), fc.integer(), fc.constant(null)), scope: fc.string() }).map(forged),
      fc.record({ after: fc.string({ minLength: 1 }), scope: fc.constant(JSON.parse(Buffer.from(issued, 'base64url').toString()).scope as string), pk: fc.string() }).map(forged),
      fc.string({ minLength: 1025, maxLength: 1100 }).map((after) => forged({ after, scope: JSON.parse(Buffer.from(issued, 'base64url').toString()).scope })),
      fc.jsonValue().map(forged),
    );
    await fc.assert(
      fc.asyncProperty(cursors, fc.constantFrom('/v1/data-sources?tag=PII', '/v1/data-sources', '/v1/domains', '/v1/tags'), async (cursor, path) => {
        const res = await app.request(`${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}`, { headers: admin });
        expect(res.status).toBeLessThan(500);
        if (res.status !== 200) expect(res.status).toBe(400);
      }),
      { numRuns: 150 },
    );
    for (const limit of ['0', '1001', 'x', '-1', '1.5']) expect((await get(`/v1/data-sources?limit=${limit}`)).status).toBe(400);
  }, 120_000);

  it('issues no Scan for a listing: each page is a few Queries of one partition and a batch read', async () => {
    const sent: string[] = [];
    s.db.doc.middlewareStack.add(
      (next, context) => async (args) => {
        sent.push(context.commandName ?? 'unknown');
        return next(args);
      },
      { step: 'initialize', name: 'countCommandsForTest' },
    );
    try {
      await walk('/v1/data-sources', 'dataSources', 10);
      await walk('/v1/data-sources?tag=PII&domain=sales', 'dataSources', 3);
      await walk('/v1/data-sources?domain=sales', 'dataSources', 4);
      await walk('/v1/tags', 'tags', 3);
      await walk('/v1/domains', 'domains', 1);
      const mark = sent.length;
      await get('/v1/data-sources?limit=10');
      expect(sent.slice(mark)).toEqual(['QueryCommand', 'BatchGetItemCommand']);
    } finally {
      s.db.doc.middlewareStack.remove('countCommandsForTest');
    }
    expect(sent.length).toBeGreaterThan(10);
    expect(sent.filter((c) => !['QueryCommand', 'BatchGetItemCommand', 'GetItemCommand'].includes(c))).toEqual([]);
  });
});
