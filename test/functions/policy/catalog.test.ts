import { beforeAll, describe, expect, it } from 'vitest';
import { createPolicyApp } from '#functions/policy/app.ts';
import type { DecidingServices } from '#shared/services.ts';
import { ADMIN_KEY, auditRecords, bearer, json, testServices } from '../../support/services.ts';
import { keyFor } from '../../support/policy.ts';

let s: DecidingServices;
let app: ReturnType<typeof createPolicyApp>;
const admin = bearer(ADMIN_KEY);

const source = (tags: string[], extra: Record<string, unknown> = {}) => ({
  name: 'Source',
  platform: 'postgres',
  database: 'db',
  schema: 'public',
  table: 't',
  tags,
  columns: [{ name: 'id', type: 'integer' }, { name: 'email', type: 'varchar', tags: ['Discovered.Email'] }],
  ...extra,
});

const ids = async (query: string) =>
  ((await (await app.request(`/v1/data-sources${query}`, { headers: admin })).json()) as { dataSources: Array<{ id: string }> }).dataSources.map((d) => d.id);

beforeAll(async () => {
  s = await testServices();
  app = createPolicyApp(s);
  await app.request('/v1/data-sources/top', json('PUT', source(['Strictly Confidential']), admin));
  await app.request('/v1/data-sources/child', json('PUT', source(['Strictly Confidential.Confidential'], { domain: 'finance' }), admin));
  await app.request('/v1/data-sources/grandchild', json('PUT', source(['Strictly Confidential.Confidential.Internal']), admin));
  await app.request('/v1/data-sources/sibling', json('PUT', source(['Strictly Confidentiality']), admin));
});

describe('catalog', () => {
  it('creates with 201, replaces with 200 and a new version, reads back and deletes', async () => {
    const created = await app.request('/v1/data-sources/crud', json('PUT', source(['A']), admin));
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ id: 'crud', version: 1, tags: ['A'], owners: [] });
    const replaced = await app.request('/v1/data-sources/crud', json('PUT', source(['B']), admin));
    expect(replaced.status).toBe(200);
    expect(await replaced.json()).toMatchObject({ version: 2, tags: ['B'] });
    const read = (await (await app.request('/v1/data-sources/crud', { headers: admin })).json()) as { columns: unknown[] };
    expect(read.columns).toHaveLength(2);
    expect((await app.request('/v1/data-sources/crud', { method: 'DELETE', headers: admin })).status).toBe(204);
    expect((await app.request('/v1/data-sources/crud', { headers: admin })).status).toBe(404);
    expect((await app.request('/v1/data-sources/crud', { method: 'DELETE', headers: admin })).status).toBe(404);
    const audit = (await auditRecords(s)).filter((r) => r.targetType === 'dataSource' && (r.targets as string[])[0] === 'crud');
    expect(audit.map((r) => r.action)).toEqual(['CREATE', 'UPDATE', 'DELETE']);
  });

  it('filters by tag hierarchically: a tag matches itself and its descendants, never a parent or a prefix sibling', async () => {
    expect(await ids('?tag=Strictly%20Confidential')).toEqual(['child', 'grandchild', 'top']);
    expect(await ids('?tag=Strictly%20Confidential.Confidential')).toEqual(['child', 'grandchild']);
    expect(await ids('?tag=Strictly%20Confidential.Confidential.Internal.Public')).toEqual([]);
    expect(await ids('?tag=Discovered')).toEqual(['child', 'grandchild', 'sibling', 'top']);
  });

  it('lists domain members by domain field and by tag', async () => {
    expect((await app.request('/v1/domains/secret', json('PUT', { name: 'Secret', tags: ['Strictly Confidential.Confidential.Internal'] }, admin))).status).toBe(201);
    expect(await ids('?domain=secret')).toEqual(['grandchild']);
    expect(await ids('?domain=finance')).toEqual(['child']);
    expect(await ids('?domain=finance&tag=Strictly%20Confidential')).toEqual(['child']);
    expect(await (await app.request('/v1/domains/secret', { headers: admin })).json()).toMatchObject({ id: 'secret', name: 'Secret', version: 1 });
    expect((await app.request('/v1/domains/secret', json('PUT', { name: 'Secret 2' }, admin))).status).toBe(200);
    expect((await app.request('/v1/domains/none', { headers: admin })).status).toBe(404);
  });

  it('counts every tag in use on sources and columns', async () => {
    const { tags } = (await (await app.request('/v1/tags', { headers: admin })).json()) as { tags: Array<{ tag: string; dataSources: number; columns: number }> };
    expect(tags.find((t) => t.tag === 'Discovered.Email')).toEqual({ tag: 'Discovered.Email', dataSources: 0, columns: 4 });
    expect(tags.find((t) => t.tag === 'Strictly Confidential')).toEqual({ tag: 'Strictly Confidential', dataSources: 1, columns: 0 });
  });

  it('rejects malformed sources with 400 naming the field, and stores nothing', async () => {
    const bad = await app.request('/v1/data-sources/bad', json('PUT', { ...source(['A']), platform: 'oracle' }, admin));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { detail: string }).detail).toContain('`platform`');
    const emptyTag = await app.request('/v1/data-sources/bad', json('PUT', source(['A..B']), admin));
    expect(((await emptyTag.json()) as { detail: string }).detail).toContain('`tags.0`');
    expect((await app.request('/v1/data-sources/bad', { headers: admin })).status).toBe(404);
  });

  it('needs GOVERNANCE to write and list, and lets a query engine read one source', async () => {
    const engine = bearer(await keyFor(s, { type: 'service', id: 'trino' }, ['QUERY_ENGINE']));
    expect((await app.request('/v1/data-sources/top', { headers: engine })).status).toBe(200);
    expect((await app.request('/v1/data-sources', { headers: engine })).status).toBe(403);
    expect((await app.request('/v1/data-sources/x', json('PUT', source([]), engine))).status).toBe(403);
    expect((await app.request('/v1/tags', { headers: engine })).status).toBe(403);
  });
});
