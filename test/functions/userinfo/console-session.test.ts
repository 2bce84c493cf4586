import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConsoleSessions, csrfTokenOf } from '#shared/auth/console-session.ts';
import { sha256Hex } from '#shared/auth/secrets.ts';
import { createFunctionApps, createLocalServer } from '#local/compose.ts';
import type { DecidingServices } from '#shared/services.ts';
import { ConsoleSessionRepository } from '#shared/store/console-sessions.ts';
import { ADMIN_KEY, auditRecords, bearer, json, testServices } from '../../support/services.ts';
import { keyFor } from '../../support/policy.ts';

let s: DecidingServices;
let server: ReturnType<typeof createLocalServer>;
let aliceKey: string;

/** Signs in with a key: the cookie pair (`warden_session=…`), its raw header and the body. */
async function signIn(key: string, url = 'http://127.0.0.1/v1/console/session') {
  const res = await server.request(url, { method: 'POST', headers: bearer(key) });
  expect(res.status).toBe(201);
  const setCookie = res.headers.get('set-cookie') ?? '';
  const body = (await res.json()) as { id: string; csrfToken: string; principal: unknown; permissions: string[]; expiresAt: string };
  return { cookie: setCookie.split(';')[0]!, setCookie, body };
}

const withCookie = (cookie: string, extra: Record<string, string> = {}) => ({ cookie, ...extra });

beforeAll(async () => {
  s = await testServices();
  server = createLocalServer(createFunctionApps(s), 'test');
  await s.users.create({ iamid: 'bim', userid: 'alice', displayName: 'Alice' });
  aliceKey = await keyFor(s, { type: 'user', iamid: 'bim', id: 'alice' });
  await server.request('/v1/data-sources/open', json('PUT', { name: 'Open', platform: 'postgres', database: 'd', schema: 's', table: 't', owners: [], tags: ['Req'], columns: [] }, bearer(ADMIN_KEY)));
  await server.request('/v1/policies/by-request', json('PUT', { type: 'subscription', circumstances: [{ type: 'tags', tag: 'Req' }], actions: { type: 'approval', allowDiscovery: true } }, bearer(ADMIN_KEY)));
});

describe('console sessions', () => {
  it('exchanges an API key for an HttpOnly, SameSite=Strict cookie, Secure outside loopback, stored only as a hash', async () => {
    const local = await signIn(aliceKey);
    expect(local.setCookie).toMatch(/^warden_session=wcs_[\w-]{43}; Max-Age=3600; Path=\/; HttpOnly; SameSite=Strict$/);
    expect(local.body).toMatchObject({ principal: { type: 'user', iamid: 'bim', id: 'alice' }, csrfToken: csrfTokenOf(local.cookie.split('=')[1]!) });
    const remote = await signIn(aliceKey, 'https://warden.example.com/v1/console/session');
    expect(remote.setCookie).toContain('; Secure');
    const items = await s.db.doc.send(new ScanCommand({ TableName: s.db.tables.sessions }));
    const stored = JSON.stringify(items.Items);
    expect(stored).not.toContain(local.cookie.split('=')[1]);
    expect(stored).not.toContain(aliceKey);
    expect((await auditRecords(s)).some((r) => r.action === 'SIGN_IN' && (r.targets as string[]).includes(local.body.id))).toBe(true);
  });

  it('is accepted by the API in place of a key, and tells its CSRF token back', async () => {
    const { cookie, body } = await signIn(aliceKey);
    expect((await server.request('/v1/users/bim/alice', { headers: withCookie(cookie) })).status).toBe(200);
    const again = await server.request('/v1/console/session', { headers: withCookie(cookie) });
    expect(await again.json()).toMatchObject({ id: body.id, csrfToken: body.csrfToken });
    expect((await server.request('/v1/console/session', { headers: bearer(aliceKey) })).status).toBe(404);
  });

  it('refuses a change without the CSRF token or with another session’s, and makes it with its own', async () => {
    const { cookie, body } = await signIn(aliceKey);
    const other = await signIn(aliceKey);
    const ask = (headers: Record<string, string>) => server.request('/v1/access-requests', json('POST', { dataSource: 'open' }, withCookie(cookie, headers)));
    const refused = await ask({});
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { detail: string }).detail).toBe('a console session needs its csrf token in `x-csrf-token` to change anything');
    expect((await ask({ 'x-csrf-token': other.body.csrfToken })).status).toBe(403);
    expect((await ask({ 'x-csrf-token': `${body.csrfToken}x` })).status).toBe(403);
    expect((await s.accessRequests.ofUser('bim', 'alice')).length).toBe(0);
    expect((await ask({ 'x-csrf-token': body.csrfToken })).status).toBe(201);
  });

  it('ends at sign-out: the cookie is cleared and opens nothing any more', async () => {
    const { cookie, body } = await signIn(aliceKey);
    expect((await server.request('/v1/console/session', { method: 'DELETE', headers: withCookie(cookie) })).status).toBe(403);
    const out = await server.request('/v1/console/session', { method: 'DELETE', headers: withCookie(cookie, { 'x-csrf-token': body.csrfToken }) });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^warden_session=; Max-Age=0; Path=\//);
    expect((await server.request('/v1/users/bim/alice', { headers: withCookie(cookie) })).status).toBe(401);
  });

  it('signs in with an API key only: no impersonation token, no session, no credential', async () => {
    const { cookie, body } = await signIn(aliceKey);
    expect((await server.request('/v1/console/session', { method: 'POST', headers: withCookie(cookie, { 'x-csrf-token': body.csrfToken }) })).status).toBe(403);
    expect((await server.request('/v1/console/session', { method: 'POST' })).status).toBe(401);
    expect((await server.request('/v1/console/session', { method: 'POST', headers: bearer('wdn_unknown') })).status).toBe(401);
  });

  it('stops working when its key is deleted', async () => {
    await s.users.create({ iamid: 'bim', userid: 'carol', displayName: 'Carol' });
    const key = await keyFor(s, { type: 'user', iamid: 'bim', id: 'carol' });
    const { cookie } = await signIn(key);
    const keyId = (await s.apiKeys.getByHash(sha256Hex(key)))!.keyId;
    expect((await server.request(`/v1/api-keys/${keyId}`, { method: 'DELETE', headers: bearer(ADMIN_KEY) })).status).toBe(204);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await server.request('/v1/users/bim/carol', { headers: withCookie(cookie) })).status).toBe(401);
  });

  it('expires at its end, whatever the activity', async () => {
    let now = Date.now();
    const sessions = new ConsoleSessions(new ConsoleSessionRepository(s.db, s.audit), s.authenticator, 60, () => now);
    const caller = await s.authenticator.apiKey(aliceKey);
    const started = await sessions.start(caller, sha256Hex(aliceKey), () => ({ actor: { type: 'service', id: 't' }, action: 'SIGN_IN', actionStatus: 'SUCCESS', targetType: 'consoleSession', targets: [], payload: {} }));
    expect((await sessions.resolve(started.secret)).caller.principal.id).toBe('alice');
    now += 61_000;
    await expect(sessions.resolve(started.secret)).rejects.toThrow('the console session has ended or expired: sign in again');
  });

  it('answers any malformed or unknown cookie with 401, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 80 }), async (value) => {
        const res = await server.request('/v1/users/bim/alice', { headers: { cookie: `warden_session=${encodeURIComponent(value)}` } });
        expect(res.status).toBe(401);
      }),
      { numRuns: 60 },
    );
  });
});
