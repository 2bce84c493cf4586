import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { createUserinfoApp } from '#functions/userinfo/app.ts';
import type { DecidingServices } from '#shared/services.ts';
import { ADMIN_KEY, auditRecords, bearer, json, testServices } from '../../support/services.ts';
import { startSourceServer, type SourceServer } from '../../shared/userinfo/source-server.ts';
import { DEFAULT_AUTH_CACHE_MS } from '#shared/auth/authenticate.ts';

let s: DecidingServices;
let app: ReturnType<typeof createUserinfoApp>;
let source: SourceServer;
const admin = bearer(ADMIN_KEY);

async function newKey(body: unknown): Promise<string> {
  const res = await app.request('/v1/api-keys', json('POST', body, admin));
  expect(res.status).toBe(201);
  return ((await res.json()) as { apiKey: string }).apiKey;
}

async function getUser(path: string, headers = admin) {
  const res = await app.request(path, { headers });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

beforeAll(async () => {
  source = await startSourceServer();
  // The fake source listens on loopback: allowed on its own port only.
  vi.stubEnv('WARDEN_EXTERNAL_SOURCE_ALLOWED_HOSTS', `127.0.0.1:${source.port}`);
  s = await testServices();
  vi.unstubAllEnvs();
  app = createUserinfoApp(s);
  await s.iams.create({ id: 'okta', name: 'Okta', scim: { enabled: true } });
});
afterAll(() => source.close());

describe('users', () => {
  it('creates a built-in user by default, refuses a duplicate and an unknown IAM', async () => {
    const res = await app.request('/v1/users', json('POST', { userid: 'jo@example.com', displayName: 'Jo', email: 'jo@example.com' }, admin));
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ iamid: 'bim', userid: 'jo@example.com', active: true, permissions: [], groups: [], attributes: {} });
    expect((await app.request('/v1/users', json('POST', { userid: 'jo@example.com', displayName: 'Jo' }, admin))).status).toBe(409);
    expect((await app.request('/v1/users', json('POST', { iamid: 'nowhere', userid: 'x', displayName: 'X' }, admin))).status).toBe(404);
  });

  it('shows merged values with their provenance per source and per group', async () => {
    await s.users.create({ iamid: 'okta', userid: 'kim@example.com', displayName: 'Kim' });
    await s.users.setAttributes('okta', 'kim@example.com', 'scim', { Country: ['US'] });
    const eng = await s.groups.create({ iamid: 'okta', displayName: 'Engineering' });
    await s.groups.addMembers('okta', eng.id, ['kim@example.com'], 'scim');
    await s.groups.setAttributes('okta', eng.id, 'scim', { Org: ['R&D'] });
    const iam = await s.iams.get('okta');
    await s.iams.update(iam!, { externalSource: { uri: source.url, auth: { type: 'none' }, ttlSeconds: 300 } });
    source.answers.set('kim@example.com', { body: { groups: [{ name: 'Engineering' }, { name: 'Trained' }], authorizations: { Country: ['CA'], Course: ['GDPR'] } } });
    expect((await app.request('/v1/users/okta/kim%40example.com/attributes/Country', json('PUT', { values: ['FR'] }, admin))).status).toBe(200);
    expect((await app.request('/v1/groups/okta/Engineering/attributes/Floor', json('PUT', { values: ['2'] }, admin))).status).toBe(200);

    const user = await getUser('/v1/users/okta/kim%40example.com');
    expect(user).toMatchObject({
      groups: ['Engineering', 'Trained'],
      attributes: { Country: ['CA', 'FR', 'US'], Course: ['GDPR'], Floor: ['2'], Org: ['R&D'] },
      sources: {
        scim: { Country: ['US'] },
        manual: { Country: ['FR'] },
        external: { Country: ['CA'], Course: ['GDPR'] },
        groups: { Engineering: { Floor: ['2'], Org: ['R&D'] }, Trained: {} },
      },
      memberships: { Engineering: ['external', 'scim'], Trained: ['external'] },
    });
  });

  it('sets and removes manual values, leaving the other sources alone', async () => {
    await s.users.create({ iamid: 'okta', userid: 'lee', displayName: 'Lee' });
    await s.users.setAttributes('okta', 'lee', 'scim', { Dept: ['Ops'] });
    const put = await app.request('/v1/users/okta/lee/attributes/Dept', json('PUT', { values: ['HR', 'HR', 'Legal'] }, admin));
    expect(((await put.json()) as { attributes: unknown }).attributes).toEqual({ Dept: ['HR', 'Legal', 'Ops'] });
    expect((await app.request('/v1/users/okta/lee/attributes/Dept', { method: 'DELETE', headers: admin })).status).toBe(204);
    expect((await getUser('/v1/users/okta/lee')).attributes).toEqual({ Dept: ['Ops'] });
    expect((await app.request('/v1/users/okta/ghost/attributes/Dept', json('PUT', { values: ['x'] }, admin))).status).toBe(404);
  });

  it('replaces permissions, audits the change and lets the user read itself but not others', async () => {
    await s.users.create({ iamid: 'bim', userid: 'pat', displayName: 'Pat' });
    const patKey = await newKey({ principal: { type: 'user', id: 'pat' }, name: 'pat' });
    expect((await app.request('/v1/users/bim/pat', { headers: bearer(patKey) })).status).toBe(200);
    expect((await app.request('/v1/users/bim/jo%40example.com', { headers: bearer(patKey) })).status).toBe(403);
    expect((await app.request('/v1/users/bim/pat/permissions', json('PUT', { permissions: ['AUDIT'] }, bearer(patKey)))).status).toBe(403);
    const res = await app.request('/v1/users/bim/pat/permissions', json('PUT', { permissions: ['QUERY_ENGINE', 'AUDIT', 'AUDIT'] }, admin));
    expect(((await res.json()) as { permissions: unknown }).permissions).toEqual(['AUDIT', 'QUERY_ENGINE']);
    // Now a query engine: may read anyone, once the key cache has expired (≤ 1 s).
    await new Promise((r) => setTimeout(r, DEFAULT_AUTH_CACHE_MS + 50));
    expect((await app.request('/v1/users/bim/jo%40example.com', { headers: bearer(patKey) })).status).toBe(200);
    const audit = (await auditRecords(s)).find((r) => r.action === 'UPDATE_PERMISSIONS');
    expect(audit).toMatchObject({ actionStatus: 'SUCCESS', targets: ['pat'], payload: { iamid: 'bim', before: [], after: ['AUDIT', 'QUERY_ENGINE'] } });
  });

  it('adds manual members, creating the group, and refuses an unknown user without creating anything', async () => {
    await s.users.create({ iamid: 'okta', userid: 'max', displayName: 'Max' });
    const res = await app.request('/v1/groups/okta/Data%20Stewards/members', json('POST', { userid: 'max' }, admin));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ groups: ['Data Stewards'], memberships: { 'Data Stewards': ['manual'] } });
    expect((await app.request('/v1/groups/okta/Ghosts/members', json('POST', { userid: 'ghost' }, admin))).status).toBe(404);
    expect(await s.groups.idByName('okta', 'Ghosts')).toBeUndefined();
    expect((await app.request('/v1/groups/okta/Data%20Stewards/members/max', { method: 'DELETE', headers: admin })).status).toBe(204);
    expect((await getUser('/v1/users/okta/max')).groups).toEqual([]);
    const audit = await auditRecords(s);
    expect(audit.find((r) => r.action === 'ADD_MEMBER')).toMatchObject({ targets: ['Data Stewards', 'max'], payload: { iamid: 'okta', userid: 'max' } });
  });

  it('answers 403 to a key without USER_ADMIN on every change', async () => {
    const key = await newKey({ principal: { type: 'service', id: 'ro' }, name: 'ro', permissions: ['QUERY_ENGINE'] });
    for (const [path, init] of [
      ['/v1/users', json('POST', { userid: 'z', displayName: 'Z' }, bearer(key))],
      ['/v1/users/okta/lee/attributes/Dept', json('PUT', { values: ['x'] }, bearer(key))],
      ['/v1/groups/okta/G/attributes/k', json('PUT', { values: ['x'] }, bearer(key))],
      ['/v1/groups/okta/G/members', json('POST', { userid: 'lee' }, bearer(key))],
      ['/v1/iams/okta/sync', { method: 'POST', headers: bearer(key) }],
    ] as const) {
      expect((await app.request(path, init)).status, path).toBe(403);
    }
  });
});

describe('IAMs', () => {
  it('sets SCIM attribute mappings', async () => {
    const mapping = { from: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department', to: 'Department' };
    const res = await app.request('/v1/iams/okta', json('PUT', { scim: { attributeMappings: [mapping] } }, admin));
    expect(res.status).toBe(200);
    expect((await s.iams.get('okta'))?.scim).toMatchObject({ enabled: true, attributeMappings: [mapping] });
    expect((await app.request('/v1/iams/nope', json('PUT', { name: 'x' }, admin))).status).toBe(404);
  });

  it('stores an external source and never shows or audits its password', async () => {
    await s.iams.create({ id: 'entra', name: 'Entra', scim: { enabled: false } });
    const body = { uri: `${source.url}?tenant=1`, auth: { type: 'basic', username: 'warden', password: 'hunter2-secret' }, ttlSeconds: 60 };
    const res = await app.request('/v1/iams/entra/external-source', json('PUT', body, admin));
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ externalSource: { uri: body.uri, auth: { type: 'basic', username: 'warden' }, ttlSeconds: 60 } });
    expect(text).not.toContain('hunter2');
    expect(await (await app.request('/v1/iams/entra', { headers: admin })).text()).not.toContain('hunter2');
    expect(JSON.stringify(await auditRecords(s))).not.toContain('hunter2');
    for (const uri of ['ftp://example.com/x', 'not a url', 'http://u:p@example.com/x']) {
      expect((await app.request('/v1/iams/entra/external-source', json('PUT', { ...body, uri }, admin))).status, uri).toBe(400);
    }
  });

  it.each([
    ['http://169.254.169.254/latest/meta-data/', '`169.254.169.254` is a link-local address'],
    ['http://[fd00:ec2::254]/', '`[fd00:ec2::254]` is a unique-local address'],
    ['http://127.1/', '`127.0.0.1` is a loopback address'],
    ['http://2130706433/', '`127.0.0.1` is a loopback address'],
    ['http://[::ffff:169.254.169.254]/', '`[::ffff:a9fe:a9fe]` is a link-local address'],
    ['http://0.0.0.0:8080/', '`0.0.0.0` is the unspecified address'],
    ['http://10.0.0.5:6379/', '`10.0.0.5` is a private address'],
    ['http://100.64.0.1/', '`100.64.0.1` is a carrier-grade NAT address'],
    ['http://localhost:8080/', '`localhost` is a loopback name'],
    ['http://127.0.0.1:1/', '`127.0.0.1` is a loopback address'],
  ])('refuses the external source %s with a 400 that says why, changing nothing', async (uri, why) => {
    const before = await (await app.request('/v1/iams/entra', { headers: admin })).json();
    const res = await app.request('/v1/iams/entra/external-source', json('PUT', { uri, auth: { type: 'none' } }, admin));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { detail: string }).detail).toBe(`invalid body: \`uri\`: host ${why}; only hosts listed in WARDEN_EXTERNAL_SOURCE_ALLOWED_HOSTS may be`);
    expect(await (await app.request('/v1/iams/entra', { headers: admin })).json()).toEqual(before);
  });

  it('syncs every user of an IAM on request and answers the counts', async () => {
    await s.users.create({ iamid: 'entra', userid: 'a', displayName: 'A' });
    await s.users.create({ iamid: 'entra', userid: 'b', displayName: 'B' });
    source.answers.set('a', { body: { groups: [{ name: 'G' }], authorizations: {} } });
    const res = await app.request('/v1/iams/entra/sync', { method: 'POST', headers: admin });
    expect(await res.json()).toEqual({ iamid: 'entra', users: 2, updated: 1, unchanged: 0, failed: 1 });
    expect((await getUser('/v1/users/entra/a')).groups).toEqual(['G']);
    expect(new URL(source.requests.at(-1)!.url, 'http://x').searchParams.get('tenant')).toBe('1');
    expect((await app.request('/v1/iams/bim/sync', { method: 'POST', headers: admin })).status).toBe(404);
    await s.iams.create({ id: 'nosrc', name: 'No source', scim: { enabled: false } });
    expect((await app.request('/v1/iams/nosrc/sync', { method: 'POST', headers: admin })).status).toBe(409);
  });
});

describe('OpenAPI', () => {
  it('documents every route of the function', async () => {
    const doc = (await (await app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    for (const [method, path] of [
      ['get', '/userinfo'],
      ['post', '/v1/users'],
      ['get', '/v1/users/{iamid}/{userid}'],
      ['put', '/v1/users/{iamid}/{userid}/permissions'],
      ['put', '/v1/users/{iamid}/{userid}/attributes/{key}'],
      ['delete', '/v1/users/{iamid}/{userid}/attributes/{key}'],
      ['put', '/v1/groups/{iamid}/{name}/attributes/{key}'],
      ['post', '/v1/groups/{iamid}/{name}/members'],
      ['put', '/v1/iams/{iamid}'],
      ['put', '/v1/iams/{iamid}/external-source'],
      ['post', '/v1/iams/{iamid}/sync'],
      ['get', '/v1/audit'],
    ] as const) {
      expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    }
  });
});

describe('robustness', () => {
  it('never answers 5xx to arbitrary bodies and leaves the user unchanged when it refuses them', async () => {
    await s.users.create({ iamid: 'bim', userid: 'fuzz', displayName: 'Fuzz' });
    const before = await s.users.get('bim', 'fuzz');
    const body = fc.oneof(
      fc.string(),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.record({ values: fc.anything() }).map((v) => JSON.stringify(v)),
      fc.record({ permissions: fc.array(fc.oneof(fc.string(), fc.constantFrom('AUDIT', 'ROOT'))) }).map((v) => JSON.stringify(v)),
    );
    const path = fc.constantFrom('/v1/users/bim/fuzz/attributes/k', '/v1/users/bim/fuzz/permissions');
    await fc.assert(
      fc.asyncProperty(path, body, async (p, b) => {
        const res = await app.request(p, { method: 'PUT', headers: { ...admin, 'content-type': 'application/json' }, body: b });
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) {
          const now = await s.users.get('bim', 'fuzz');
          expect(now?.attributes).toEqual(before?.attributes);
          expect(now?.profile.permissions).toEqual(before?.profile.permissions);
        } else {
          // Accepted bodies are reset so the next refusal is compared against a known user.
          await s.users.setAttributes('bim', 'fuzz', 'manual', { k: [] });
          const cur = await s.users.getProfile('bim', 'fuzz');
          await s.users.update(cur!, { permissions: [] });
        }
      }),
      { numRuns: 120 },
    );
  });
});
