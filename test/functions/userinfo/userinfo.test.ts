import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createUserinfoApp } from '#functions/userinfo/app.ts';
import type { Caller } from '#shared/auth/caller.ts';
import { AuthenticationError } from '#shared/auth/errors.ts';
import type { DecidingServices } from '#shared/services.ts';
import { ADMIN_KEY, auditRecords, bearer, json, testServices } from '../../support/services.ts';
import { startSourceServer, type SourceServer } from '../../shared/userinfo/source-server.ts';

/** A token shaped like a JWT; the fake verifier below makes it act as `corp/ana`. */
const TOKEN = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbmEifQ.c2ln';

let s: DecidingServices;
let app: ReturnType<typeof createUserinfoApp>;
let source: SourceServer;
let engineKey: string;
let plainKey: string;
let anaKey: string;

const basic = (password: string, username = 'immuta') => ({ authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` });

async function newKey(body: unknown): Promise<string> {
  const res = await app.request('/v1/api-keys', json('POST', body, bearer(ADMIN_KEY)));
  expect(res.status).toBe(201);
  return ((await res.json()) as { apiKey: string }).apiKey;
}

beforeAll(async () => {
  // The fake source listens on loopback, which only an allow-listed host may be.
  vi.stubEnv('WARDEN_EXTERNAL_SOURCE_ALLOWED_HOSTS', '127.0.0.1');
  const base = await testServices();
  vi.unstubAllEnvs();
  const impersonated: Caller = {
    principal: { type: 'user', iamid: 'corp', id: 'ana@example.com' },
    permissions: new Set(),
    via: 'impersonation',
    impersonation: { impersonator: { type: 'service', id: 'bi-tool' }, sessionId: 's1', jti: 'j1', expiresAt: Math.floor(Date.now() / 1000) + 600 },
  };
  s = {
    ...base,
    impersonation: {
      verify: async (token) => {
        if (token !== TOKEN) throw new AuthenticationError('invalid token');
        return impersonated;
      },
    },
  };
  app = createUserinfoApp(s);
  source = await startSourceServer();
  await s.iams.create({ id: 'corp', name: 'Corp', scim: { enabled: true }, externalSource: { uri: source.url, auth: { type: 'none' }, ttlSeconds: 0 } });
  await s.users.create({ iamid: 'corp', userid: 'ana@example.com', displayName: 'Ana' });
  await s.users.create({ iamid: 'corp', userid: 'bo', displayName: 'Bo' });
  // SCIM values, as the SCIM function stores them.
  await s.users.setAttributes('corp', 'ana@example.com', 'scim', { Department: ['Finance'] });
  const finance = await s.groups.create({ iamid: 'corp', displayName: 'Finance' });
  await s.groups.addMembers('corp', finance.id, ['ana@example.com'], 'scim');
  // A manual value and a group attribute through the API.
  expect((await app.request('/v1/users/corp/ana%40example.com/attributes/EMEA', json('PUT', { values: ['Legal'] }, bearer(ADMIN_KEY)))).status).toBe(200);
  expect((await app.request('/v1/groups/corp/Accountants/attributes/Clearance', json('PUT', { values: ['High'] }, bearer(ADMIN_KEY)))).status).toBe(200);
  source.answers.set('ana@example.com', { body: { groups: [{ name: 'Accountants' }], authorizations: { EMEA: ['Sales', 'Expenses'] } } });
  engineKey = await newKey({ principal: { type: 'service', id: 'immuta' }, name: 'immuta', permissions: ['QUERY_ENGINE'] });
  plainKey = await newKey({ principal: { type: 'service', id: 'nobody' }, name: 'nobody' });
  anaKey = await newKey({ principal: { type: 'user', iamid: 'corp', id: 'ana@example.com' }, name: 'ana' });
});
afterAll(() => source.close());

const ANA = '/userinfo?userid=ana%40example.com&iamid=corp';

describe('GET /userinfo/{iamid}', () => {
  // What Immuta calls when its URL is `…/userinfo/corp`: it appends `?userid=<username>`.
  const ANA_IN_PATH = '/userinfo/corp?userid=ana%40example.com';

  it('answers the same body as the query form, for the IAM of the path', async () => {
    const inPath = await app.request(ANA_IN_PATH, { headers: basic(engineKey) });
    expect(inPath.status).toBe(200);
    const inQuery = await app.request(ANA, { headers: basic(engineKey) });
    expect(await inPath.json()).toEqual(await inQuery.json());
    expect(((await (await app.request('/userinfo/corp?userid=bo&iamid=corp', { headers: bearer(engineKey) })).json()) as { userid: string }).userid).toBe('bo');
  });

  it('takes the same credentials and permissions', async () => {
    expect((await app.request(ANA_IN_PATH)).status).toBe(401);
    expect((await app.request(ANA_IN_PATH, { headers: basic('wdn_wrong') })).status).toBe(401);
    expect((await app.request(ANA_IN_PATH, { headers: bearer(plainKey) })).status).toBe(403);
    expect((await app.request(ANA_IN_PATH, { headers: basic(anaKey) })).status).toBe(200);
    expect((await app.request('/userinfo/corp?userid=bo', { headers: bearer(anaKey) })).status).toBe(403);
    expect((await app.request(ANA_IN_PATH, { headers: bearer(TOKEN) })).status).toBe(200);
    expect((await app.request('/userinfo/corp?userid=bo', { headers: bearer(TOKEN) })).status).toBe(403);
  });

  it('answers 404 for a user not in that IAM, and 400 for a bad or contradicted IAM or no userid', async () => {
    const problem = async (path: string): Promise<{ status: number; detail: string }> => {
      const res = await app.request(path, { headers: bearer(engineKey) });
      return { status: res.status, detail: ((await res.json()) as { detail: string }).detail };
    };
    expect(await problem('/userinfo/bim?userid=ana%40example.com')).toEqual({ status: 404, detail: 'user `ana@example.com` not found in iam `bim`' });
    expect((await problem('/userinfo/nowhere?userid=bo')).status).toBe(404);
    expect((await problem('/userinfo/corp')).status).toBe(400);
    expect(await problem('/userinfo/corp?userid=bo&iamid=bim')).toEqual({ status: 400, detail: "query `iamid` `bim` differs from the path's iam `corp`" });
    expect((await problem('/userinfo/c%23rp?userid=bo')).detail).toMatch(/^invalid path parameter `iamid`/);
    expect((await problem('/userinfo/corp/more?userid=bo')).status).toBe(404);
  });

  it('answers a contradicted IAM with a 400 before it asks whether the caller may ask at all', async () => {
    const res = await app.request('/userinfo/corp?userid=bo&iamid=bim', { headers: bearer(plainKey) });
    expect([res.status, ((await res.json()) as { detail: string }).detail]).toEqual([400, "query `iamid` `bim` differs from the path's iam `corp`"]);
  });
});

describe('GET /userinfo', () => {
  it("answers Immuta's body exactly, merged from SCIM, manual and external values with group attributes applied", async () => {
    const res = await app.request(ANA, { headers: basic(engineKey) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      groups: [{ name: 'Accountants' }, { name: 'Finance' }],
      authorizations: { Clearance: ['High'], Department: ['Finance'], EMEA: ['Expenses', 'Legal', 'Sales'] },
      userid: 'ana@example.com',
      iamid: 'corp',
      active: true,
    });
  });

  it('accepts the API key as a bearer credential or as the Basic password, and refuses a wrong password', async () => {
    expect((await app.request(ANA, { headers: bearer(engineKey) })).status).toBe(200);
    expect((await app.request(ANA, { headers: basic(engineKey, '') })).status).toBe(200);
    expect((await app.request(ANA, { headers: basic('wdn_wrong') })).status).toBe(401);
    expect((await app.request(ANA, { headers: { authorization: `Digest ${engineKey}` } })).status).toBe(401);
    expect((await app.request(ANA)).status).toBe(401);
  });

  it('refuses a caller without QUERY_ENGINE or USER_ADMIN, but lets a user ask about itself', async () => {
    expect((await app.request(ANA, { headers: bearer(plainKey) })).status).toBe(403);
    expect((await app.request(ANA, { headers: basic(anaKey) })).status).toBe(200);
    expect((await app.request('/userinfo?userid=bo&iamid=corp', { headers: bearer(anaKey) })).status).toBe(403);
    expect((await app.request(ANA, { headers: bearer(ADMIN_KEY) })).status).toBe(200);
  });

  it('lets an impersonation token see only its own user', async () => {
    const own = await app.request(ANA, { headers: bearer(TOKEN) });
    expect(own.status).toBe(200);
    expect(((await own.json()) as { userid: string }).userid).toBe('ana@example.com');
    expect((await app.request('/userinfo?userid=bo&iamid=corp', { headers: bearer(TOKEN) })).status).toBe(403);
    expect((await app.request('/v1/users/corp/ana%40example.com', { headers: bearer(TOKEN) })).status).toBe(403);
  });

  it('says why it refuses: the permissions a key lacks, or that a token asks only about its own user', async () => {
    const detail = async (path: string, headers: Record<string, string>) => ((await (await app.request(path, { headers })).json()) as { detail: string }).detail;
    expect(await detail('/userinfo?userid=bo&iamid=corp', bearer(plainKey))).toBe('requires permission `QUERY_ENGINE` or `USER_ADMIN`, or to be the user');
    expect(await detail('/userinfo?userid=bo&iamid=corp', bearer(anaKey))).toBe('requires permission `QUERY_ENGINE` or `USER_ADMIN`, or to be the user');
    expect(await detail('/userinfo?userid=bo&iamid=corp', bearer(TOKEN))).toBe('an impersonation token may only ask about its own user');
    expect(await detail('/userinfo/corp?userid=bo', basic(TOKEN))).toBe('an impersonation token may only ask about its own user');
  });

  it('answers 404 for an unknown user and 400 without a userid', async () => {
    expect((await app.request('/userinfo?userid=ghost&iamid=corp', { headers: bearer(engineKey) })).status).toBe(404);
    expect((await app.request('/userinfo?userid=ana%40example.com', { headers: bearer(engineKey) })).status).toBe(404);
    expect((await app.request('/userinfo', { headers: bearer(engineKey) })).status).toBe(400);
  });

  it('answers within ~2.5 s with the last good values while the source hangs', async () => {
    source.answers.set('ana@example.com', { body: { groups: [], authorizations: {} }, delayMs: 5000 });
    const started = performance.now();
    const res = await app.request(ANA, { headers: bearer(engineKey) });
    expect(performance.now() - started).toBeLessThan(2500);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { groups: unknown[] }).groups).toEqual([{ name: 'Accountants' }, { name: 'Finance' }]);
  });

  it('never asks a stored source on a refused address, audits why (with the request ids) and answers the other values', async () => {
    // Stored before targets were checked: `[::ffff:127.0.0.1]` is loopback, but not the listed `127.0.0.1`.
    await s.iams.create({ id: 'legacy', name: 'Legacy', scim: { enabled: false }, externalSource: { uri: `http://[::ffff:127.0.0.1]:${source.port}/groups`, auth: { type: 'basic', username: 'u', password: 'p' }, ttlSeconds: 0 } });
    await s.users.create({ iamid: 'legacy', userid: 'cy', displayName: 'Cy' });
    await s.users.setAttributes('legacy', 'cy', 'manual', { Team: ['Ops'] });
    const asked = source.requests.length;
    const res = await app.request('/userinfo?userid=cy&iamid=legacy', { headers: { ...bearer(engineKey), 'x-request-id': 'immuta-7' } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { authorizations: unknown }).authorizations).toEqual({ Team: ['Ops'] });
    expect(source.requests).toHaveLength(asked);
    const failure = (await auditRecords(s)).find((r) => r.action === 'EXTERNAL_SOURCE' && (r.payload as { iamid?: string }).iamid === 'legacy');
    expect(failure).toMatchObject({ actionStatus: 'FAILURE', payload: { reason: 'refused target: a loopback address' } });
    // Written deep in the refresh, the record still names the request it belongs to.
    expect(failure).toMatchObject({ requestId: res.headers.get('x-request-id'), clientRequestId: 'immuta-7' });
  });
});
