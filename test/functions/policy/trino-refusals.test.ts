import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Services } from '#shared/services.ts';
import { auditRecords, bearer, json } from '../../support/services.ts';
import { keyFor, pause, seededPolicyApp } from '../../support/policy.ts';
import * as plugin from '../../support/trino-plugin.ts';

let s: Services;
let app: Awaited<ReturnType<typeof seededPolicyApp>>['app'];
let admin: string;

interface Created {
  integration: { id: string };
  credential: string;
  accessControlProperties: string;
}

let next = 0;
async function register(body: Record<string, unknown> = { iamid: 'okta', catalogs: ['hive'] }): Promise<Created> {
  const res = await app.request('/v1/integrations/trino', json('POST', { id: `cluster-${next++}`, ...body }, bearer(admin)));
  expect(res.status).toBe(201);
  return (await res.json()) as Created;
}

const post = (path: string, payload: unknown) => app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof payload === 'string' ? payload : JSON.stringify(payload) });
const allowPath = (c: Created, key = c.credential) => `/v1/opa/trino/${c.integration.id}/allow?key=${encodeURIComponent(key)}`;
const sam = { user: 'smwilliams@example.com' };
const SUFFIXES = ['allow', 'batch', 'row-filters', 'column-mask', 'batch-column-mask'];

beforeAll(async () => {
  const ctx = await seededPolicyApp();
  s = ctx.services;
  app = ctx.app;
  admin = ctx.adminKey;
  await pause(60);
});

describe('the integration object', () => {
  it('answers the credential once, with the properties text; lists without it; every step audited', async () => {
    const created = await register({ id: 'prod', name: 'prod', iamid: 'okta', useridTemplate: '{userid}@example.com', catalogs: ['Hive'], ungoverned: 'read' });
    const { id } = created.integration;
    expect(created.accessControlProperties.split('\n').filter((l) => l && !l.startsWith('#'))).toEqual([
      'access-control.name=opa',
      ...['uri=allow', 'batched-uri=batch', 'row-filters-uri=row-filters', 'column-masking-uri=column-mask', 'batch-column-masking-uri=batch-column-mask'].map((p) => {
        const [prop, path] = p.split('=');
        return `opa.policy.${prop}=${s.config.issuer}/v1/opa/trino/${id}/${path}?key=${created.credential}`;
      }),
    ]);
    const listed = (await (await app.request('/v1/integrations/trino', { headers: bearer(admin) })).json()) as { integrations: Array<{ id: string }> };
    expect(JSON.stringify(listed)).not.toContain(created.credential);
    expect(JSON.stringify(listed)).not.toContain('secretHash');
    expect(listed.integrations.find((i) => i.id === id)).toMatchObject({ name: 'prod', useridTemplate: '{userid}@example.com', ungoverned: 'read' });

    const rotated = (await (await app.request(`/v1/integrations/trino/${id}/rotate`, { method: 'POST', headers: bearer(admin) })).json()) as Created;
    expect(rotated.credential).not.toBe(created.credential);
    expect((await post(allowPath(created), plugin.executeQuery(sam))).status).toBe(401);
    expect(await (await post(allowPath(rotated), plugin.executeQuery({ user: 'smwilliams' }))).json()).toEqual({ result: true });

    expect((await app.request(`/v1/integrations/trino/${id}`, { method: 'DELETE', headers: bearer(admin) })).status).toBe(204);
    expect((await post(allowPath(rotated), plugin.executeQuery(sam))).status).toBe(401);
    expect((await app.request(`/v1/integrations/trino/${id}`, { method: 'DELETE', headers: bearer(admin) })).status).toBe(404);
    expect((await app.request('/v1/integrations/trino', json('POST', { id: 'dup', iamid: 'okta', catalogs: ['hive'] }, bearer(admin)))).status).toBe(201);
    expect((await app.request('/v1/integrations/trino', json('POST', { id: 'dup', iamid: 'okta', catalogs: ['lake'] }, bearer(admin)))).status).toBe(409);

    const audit = (await auditRecords(s)).filter((r) => String(r.targetType).startsWith('trinoIntegration'));
    expect(audit.filter((r) => (r.targets as string[]).includes(id)).map((r) => r.action)).toEqual(['CREATE', 'READ', 'ROTATE', 'DELETE']);
    for (const r of audit) expect(JSON.stringify(r)).not.toContain(created.credential.slice(4));
  });

  it('stores only the SHA-256 of the credential', async () => {
    const created = await register();
    const stored = await s.integrations.get(created.integration.id);
    expect(JSON.stringify(stored)).not.toContain(created.credential);
    expect(stored!.secretHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is for USER_ADMIN only, and refuses a bad body with 400', async () => {
    const engine = await keyFor(s, { type: 'service', id: 'engine' }, ['QUERY_ENGINE', 'GOVERNANCE']);
    expect((await app.request('/v1/integrations/trino', json('POST', { id: 'x', iamid: 'okta', catalogs: ['hive'] }, bearer(engine)))).status).toBe(403);
    expect((await app.request('/v1/integrations/trino', { headers: bearer(engine) })).status).toBe(403);
    const ok = { id: 'x', iamid: 'okta', catalogs: ['hive'] };
    for (const bad of [{}, { ...ok, catalogs: [] }, { ...ok, useridTemplate: 'no-placeholder' }, { ...ok, ungoverned: 'maybe' }, { ...ok, id: 'has/slash' }, { ...ok, id: '' }]) {
      expect((await app.request('/v1/integrations/trino', json('POST', bad, bearer(admin)))).status).toBe(400);
    }
  });
});

describe('refusals of the OPA endpoints', () => {
  it('a missing, wrong or foreign credential, or an unknown integration, is a 401 on every uri', async () => {
    const a = await register();
    const b = await register();
    for (const suffix of SUFFIXES) {
      const base = `/v1/opa/trino/${a.integration.id}/${suffix}`;
      for (const path of [base, `${base}?key=`, `${base}?key=wti_wrong`, `${base}?key=${b.credential}`, `/v1/opa/trino/unknown-${suffix}/${suffix}?key=${a.credential}`]) {
        const res = await post(path, plugin.executeQuery(sam));
        expect(res.status, path).toBe(401);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
      }
    }
  });

  it('checks the credential before reading the body', async () => {
    const a = await register();
    expect((await post(`/v1/opa/trino/${a.integration.id}/allow?key=wti_wrong`, '{not json')).status).toBe(401);
    expect((await post(allowPath(a), '{not json')).status).toBe(400);
  });

  it('denies an unknown operation and logs its name once', async () => {
    const a = await register();
    const res = await post(allowPath(a), plugin.simple(sam, 'LaunchMissiles', plugin.catalog('hive')));
    expect(await res.json()).toEqual({ result: false });
    const batch = await post(`/v1/opa/trino/${a.integration.id}/batch?key=${a.credential}`, plugin.batchFilter(sam, 'FilterEverything', [plugin.catalog('hive')]));
    expect(await batch.json()).toEqual({ result: [] });
  });

  it('never answers 5xx to a malformed body or a generated operation, and never allows one it does not know', async () => {
    const a = await register();
    const paths = SUFFIXES.map((suffix) => `/v1/opa/trino/${a.integration.id}/${suffix}?key=${a.credential}`);
    const known = plugin.simple(sam, 'SelectFromColumns', plugin.table('hive', 'sales', 'orders', ['region']));
    const mutated = fc.oneof(
      fc.jsonValue(),
      fc.string(),
      fc.record({ input: fc.record({ context: fc.anything(), action: fc.anything() }) }),
      fc.record({ operation: fc.string({ maxLength: 40 }), resource: fc.anything() }).map((action) => plugin.body(sam, action)),
      fc.constantFrom('input', 'context', 'identity', 'action', 'resource', 'table').map((drop) => JSON.parse(JSON.stringify(known, (k, v) => (k === drop ? undefined : v)))),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), mutated, async (path, payload) => {
        const res = await post(path, typeof payload === 'string' ? payload : JSON.stringify(payload));
        expect(res.status).toBeLessThan(500);
        if (res.status === 200 && path.includes('/allow?')) {
          const op = (payload as { input?: { action?: { operation?: unknown } } } | null)?.input?.action?.operation;
          if (typeof op === 'string' && !['ExecuteQuery', 'SelectFromColumns'].includes(op)) expect(await res.json()).toEqual({ result: false });
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('GET /v1/data-sources by physical table', () => {
  it('finds the source registered for a table, case-insensitively, for a query engine', async () => {
    const engine = await keyFor(s, { type: 'service', id: 'trino-engine' }, ['QUERY_ENGINE']);
    const res = await app.request('/v1/data-sources?platform=trino&database=HIVE&schema=Sales&table=ORDERS', { headers: bearer(engine) });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { dataSources: Array<{ id: string }> }).dataSources.map((d) => d.id)).toEqual(['sales']);
    const none = await app.request('/v1/data-sources?platform=postgres&database=hive&schema=sales&table=orders', { headers: bearer(engine) });
    expect(await none.json()).toEqual({ dataSources: [], nextCursor: null });
  });

  it('takes the four parts together, and lists by tag only for GOVERNANCE', async () => {
    const engine = await keyFor(s, { type: 'service', id: 'trino-engine-2' }, ['QUERY_ENGINE']);
    const partial = await app.request('/v1/data-sources?platform=trino&table=orders', { headers: bearer(engine) });
    expect(partial.status).toBe(400);
    expect(((await partial.json()) as { detail: string }).detail).toContain('`database`, `schema` and `table` together');
    expect((await app.request('/v1/data-sources', { headers: bearer(engine) })).status).toBe(403);
  });
});
