import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { createUserinfoApp } from '#functions/userinfo/app.ts';
import type { DecidingServices } from '#shared/services.ts';
import { ADMIN_KEY, auditRecords, bearer, json } from '../../support/services.ts';
import { apiKeyFor, impersonationApp, impersonationServices, ISSUER, putSession, user, type SessionAnswer } from './support.ts';

let s: DecidingServices;
let clock: { now: number };
let app: ReturnType<typeof impersonationApp>;
let userinfo: ReturnType<typeof createUserinfoApp>;
let biKey: string;
let holderKey: string;
let outsiderKey: string;

const userinfoOf = (token: string, userid: string, iamid = 'okta') => userinfo.request(`/userinfo?userid=${userid}&iamid=${iamid}`, { headers: bearer(token) });

beforeAll(async () => {
  ({ services: s, clock } = await impersonationServices());
  app = impersonationApp(s, clock, { userMappingIamid: 'okta' });
  userinfo = createUserinfoApp(s);
  for (const id of ['smwilliams', 'jdoe', 'ann', 'bob', 'carl', 'dora', 'eve', 'fay']) await user(s, 'okta', id);
  await user(s, 'okta', 'smwilliams@example.com');
  await user(s, 'okta', 'boss', ['USER_ADMIN', 'GOVERNANCE']);
  await user(s, 'bim', 'holder', ['IMPERSONATE_USER']);
  const retired = await user(s, 'okta', 'retired');
  await s.users.update(retired, { active: false });
  biKey = await apiKeyFor(s, { type: 'service', id: 'bi-tool' });
  holderKey = await apiKeyFor(s, { type: 'user', iamid: 'bim', id: 'holder' });
  outsiderKey = await apiKeyFor(s, { type: 'service', id: 'outsider' }, ['QUERY_ENGINE']);
  const res = await app.request('/v1/settings/impersonation', json('PUT', { allowedImpersonators: [{ type: 'service', id: 'bi-tool' }], userMappingIamid: 'okta' }, bearer(ADMIN_KEY)));
  expect(res.status).toBe(200);
});

async function mint(key: string, sessionId: string, body: unknown): Promise<SessionAnswer> {
  const res = await putSession(app, key, sessionId, body);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as SessionAnswer;
}

describe('who may impersonate', () => {
  it('refuses a caller neither allow-listed nor holding IMPERSONATE_USER with 403, audited with the reason', async () => {
    const res = await putSession(app, outsiderKey, 'sx', { userid: 'jdoe' });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { detail: string }).detail).toContain('allowedImpersonators');
    expect(await s.users.getProfile('okta', 'jdoe')).toBeDefined();
    const refusal = (await auditRecords(s)).find((r) => r.action === 'IMPERSONATE' && r.actionStatus === 'UNAUTHORIZED');
    expect(refusal).toMatchObject({ userId: 'okta/jdoe', impersonationUser: 'service:outsider', actor: { type: 'service', id: 'outsider' } });
    expect(String((refusal!.payload as { reason: string }).reason)).toContain('may not impersonate');
    expect((await app.request('/v1/impersonation/sessions/sx', { headers: bearer(ADMIN_KEY) })).status).toBe(404);
  });

  it('lets a user holding IMPERSONATE_USER impersonate, with the claims of the contract', async () => {
    const before = Math.floor(clock.now / 1000);
    const answer = await mint(holderKey, 'holder-1', { userid: 'jdoe' });
    expect(answer).toMatchObject({ sessionId: 'holder-1', user: { iamid: 'okta', userid: 'jdoe' }, impersonator: { type: 'user', id: 'holder', iamid: 'bim' }, tokenType: 'Bearer' });
    const claims = decodeJwt(answer.token);
    expect(claims).toMatchObject({ iss: ISSUER, aud: ISSUER, sub: 'jdoe', iamid: 'okta', act: { sub: 'user:bim/holder' }, sid: 'holder-1' });
    expect(claims.exp! - claims.iat!).toBe(900);
    expect(claims.iat).toBeGreaterThanOrEqual(before);
    expect(Date.parse(answer.expiresAt)).toBe(claims.exp! * 1000);
  });

  it('lets an allow-listed service account impersonate and audits the start as the target, impersonated by the service', async () => {
    const answer = await mint(biKey, 'bi-1', { userid: 'smwilliams' });
    expect(answer.impersonator).toEqual({ type: 'service', id: 'bi-tool' });
    const start = (await auditRecords(s)).find((r) => r.action === 'IMPERSONATE' && r.actionStatus === 'SUCCESS' && r.sessionId === 'bi-1');
    expect(start).toMatchObject({ userId: 'okta/smwilliams', impersonationUser: 'service:bi-tool', actor: { type: 'service', id: 'bi-tool' }, payload: { event: 'start' } });
  });

  it('applies the useridTemplate before the lookup and the iamid given over the mapping IAM', async () => {
    const answer = await mint(biKey, 'bi-tpl', { userid: 'smwilliams', useridTemplate: '{userid}@example.com' });
    expect(answer.user).toEqual({ iamid: 'okta', userid: 'smwilliams@example.com' });
    expect((await putSession(app, biKey, 'bi-iam', { userid: 'holder', iamid: 'bim' })).status).toBe(200);
  });

  it('answers 404 for an unknown or inactive target, and 400 for a template without {userid}', async () => {
    expect((await putSession(app, biKey, 'bi-404', { userid: 'ghost' })).status).toBe(404);
    expect((await putSession(app, biKey, 'bi-404', { userid: 'retired' })).status).toBe(404);
    expect((await putSession(app, biKey, 'bi-404', { userid: 'jdoe', iamid: 'bim' })).status).toBe(404);
    const bad = await putSession(app, biKey, 'bi-404', { userid: 'jdoe', useridTemplate: 'x@example.com' });
    expect(bad.status).toBe(400);
  });
});

describe('what a session may name', () => {
  it('answers 400 naming the limit for a useridTemplate expanding past a userid, audited with a bounded value', async () => {
    const userid = 'u'.repeat(200);
    const template = `${'{userid}'.repeat(30)}@example.com`;
    const res = await putSession(app, biKey, 'tpl-long', { userid, useridTemplate: template });
    expect(res.status).toBe(400);
    const { detail } = (await res.json()) as { detail: string };
    expect(detail).toBe('`useridTemplate` expands to a userid of 6012 characters: a userid has at most 256');
    const refusal = (await auditRecords(s)).find((r) => r.action === 'IMPERSONATE' && r.sessionId === 'tpl-long');
    expect(refusal).toMatchObject({ actionStatus: 'FAILURE', payload: { reason: detail } });
    // `okta/` (the user-mapping IAM), then the expanded userid cut to 256 characters and `…`.
    expect(String(refusal!.userId).startsWith('okta/u')).toBe(true);
    expect(String(refusal!.userId).length).toBeLessThanOrEqual('okta/'.length + 257);
    expect((await app.request('/v1/impersonation/sessions/tpl-long', { headers: bearer(biKey) })).status).toBe(404);
    const hash = await putSession(app, biKey, 'tpl-hash', { userid: 'jdoe', useridTemplate: '{userid}#x' });
    expect(hash.status).toBe(400);
  });

  it('lets a user impersonate itself', async () => {
    const res = await putSession(app, holderKey, 'self', { userid: 'holder', iamid: 'bim' });
    expect(res.status).toBe(200);
    const { token } = (await res.json()) as SessionAnswer;
    expect((await userinfoOf(token, 'holder', 'bim')).status).toBe(200);
  });

  it('never answers 5xx to generated ids, bodies and templates, and refuses without writing a session', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 40, unit: 'binary' }),
        fc.record({ userid: fc.string({ maxLength: 300, unit: 'binary' }), useridTemplate: fc.option(fc.string({ maxLength: 300, unit: 'binary' }).map((t) => `${t}{userid}${t}`), { nil: undefined }) }, { requiredKeys: ['userid'] }),
        async (sid, body) => {
          const state = async () => (await app.request(`/v1/impersonation/sessions/${encodeURIComponent(sid)}`, { headers: bearer(biKey) })).text();
          const before = await state();
          const res = await putSession(app, biKey, sid, body);
          expect(res.status).toBeLessThan(500);
          if (res.status !== 200) expect(await state()).toBe(before);
        },
      ),
      { numRuns: 80 },
    );
  });
});

describe('single impersonation per session', () => {
  it('with the lock, refuses a different user with 409 and gives the same user a fresh token', async () => {
    const first = await mint(biKey, 'lock-1', { userid: 'ann' });
    const other = await putSession(app, biKey, 'lock-1', { userid: 'bob' });
    expect(other.status).toBe(409);
    const again = await mint(biKey, 'lock-1', { userid: 'ann' });
    expect(decodeJwt(again.token).jti).not.toBe(decodeJwt(first.token).jti);
    expect((await userinfoOf(first.token, 'ann')).status).toBe(200);
    expect((await userinfoOf(again.token, 'ann')).status).toBe(200);
    const state = await app.request('/v1/impersonation/sessions/lock-1', { headers: bearer(biKey) });
    expect(await state.json()).toMatchObject({ sessionId: 'lock-1', user: { userid: 'ann' } });
  });

  it('without the lock, switches the user and revokes the previous user\'s tokens of that session', async () => {
    const settings = await app.request('/v1/settings/impersonation', { headers: bearer(ADMIN_KEY) });
    const current = (await settings.json()) as Record<string, unknown>;
    await app.request('/v1/settings/impersonation', json('PUT', { ...current, version: undefined, singleImpersonationPerSession: false }, bearer(ADMIN_KEY)));
    try {
      const carl = await mint(biKey, 'switch-1', { userid: 'carl' });
      const dora = (await (await putSession(app, biKey, 'switch-1', { userid: 'dora' })).json()) as SessionAnswer;
      expect(dora.user.userid).toBe('dora');
      expect((await userinfoOf(dora.token, 'dora')).status).toBe(200);
      expect((await userinfoOf(carl.token, 'carl')).status).toBe(401);
      const audit = await auditRecords(s);
      expect(audit.find((r) => r.sessionId === 'switch-1' && (r.payload as { event?: string }).event === 'switch')).toMatchObject({ userId: 'okta/dora', impersonationUser: 'service:bi-tool' });
      expect(audit.find((r) => r.action === 'TOKEN_REVOKED_USE' && r.userId === 'okta/carl')).toMatchObject({ actionStatus: 'UNAUTHORIZED', impersonationUser: 'service:bi-tool' });
    } finally {
      await app.request('/v1/settings/impersonation', json('PUT', { ...current, version: undefined }, bearer(ADMIN_KEY)));
    }
  });

  it('lets exactly one of two concurrent PUTs of different users on one locked session win', async () => {
    for (let round = 0; round < 5; round++) {
      const sid = `race-${round}`;
      const [a, b] = await Promise.all([putSession(app, biKey, sid, { userid: 'eve' }), putSession(app, biKey, sid, { userid: 'fay' })]);
      expect([a.status, b.status].sort()).toEqual([200, 409]);
      const winner = (await (a.status === 200 ? a : b).json()) as SessionAnswer;
      const state = (await (await app.request(`/v1/impersonation/sessions/${sid}`, { headers: bearer(biKey) })).json()) as SessionAnswer;
      expect(state.user.userid).toBe(winner.user.userid);
      expect((await userinfoOf(winner.token, winner.user.userid)).status).toBe(200);
    }
  });
});

describe('several function instances', () => {
  it('decides on the stored session, not on what one instance last saw', async () => {
    const other = impersonationApp(s, clock);
    await mint(biKey, 'multi-1', { userid: 'ann' });
    expect((await other.request('/v1/impersonation/sessions/multi-1', { method: 'DELETE', headers: bearer(biKey) })).status).toBe(204);
    const restarted = await mint(biKey, 'multi-1', { userid: 'bob' });
    expect(restarted.user.userid).toBe('bob');
    expect((await putSession(other, biKey, 'multi-1', { userid: 'ann' })).status).toBe(409);
  });
});

describe('session ids are scoped to their impersonator', () => {
  it('lets two impersonators use the same id as two sessions, and leaves each as it was', async () => {
    const bi = await mint(biKey, 'shared-id', { userid: 'jdoe' });
    const holder = await mint(holderKey, 'shared-id', { userid: 'ann' });
    expect(holder.user.userid).toBe('ann');
    expect((await userinfoOf(bi.token, 'jdoe')).status).toBe(200);
    expect((await userinfoOf(holder.token, 'ann')).status).toBe(200);
    const biView = (await (await app.request('/v1/impersonation/sessions/shared-id', { headers: bearer(biKey) })).json()) as SessionAnswer;
    expect(biView).toMatchObject({ user: { userid: 'jdoe' }, impersonator: { type: 'service', id: 'bi-tool' } });
    expect((await app.request('/v1/impersonation/sessions/shared-id', { method: 'DELETE', headers: bearer(holderKey) })).status).toBe(204);
    expect((await userinfoOf(holder.token, 'ann')).status).toBe(401);
    expect((await userinfoOf(bi.token, 'jdoe')).status).toBe(200);
  });

  it('answers another impersonator\'s id with a plain 404, exactly as an id nobody uses', async () => {
    await mint(biKey, 'bi-only', { userid: 'jdoe' });
    for (const id of ['bi-only', 'nobody-uses-this']) {
      const read = await app.request(`/v1/impersonation/sessions/${id}`, { headers: bearer(holderKey) });
      expect(read.status).toBe(404);
      expect(((await read.json()) as { detail: string }).detail).toBe(`impersonation session \`${id}\` not found`);
      expect((await app.request(`/v1/impersonation/sessions/${id}`, { method: 'DELETE', headers: bearer(holderKey) })).status).toBe(404);
    }
  });

  it('lets a USER_ADMIN address another impersonator\'s session with ?impersonator=, and nobody else', async () => {
    const { token } = await mint(holderKey, 'admin-view', { userid: 'jdoe' });
    const q = `?impersonator=${encodeURIComponent('user:bim/holder')}`;
    const read = await app.request(`/v1/impersonation/sessions/admin-view${q}`, { headers: bearer(ADMIN_KEY) });
    expect(await read.json()).toMatchObject({ sessionId: 'admin-view', impersonator: { type: 'user', iamid: 'bim', id: 'holder' } });
    expect((await app.request(`/v1/impersonation/sessions/admin-view`, { headers: bearer(ADMIN_KEY) })).status).toBe(404);
    const other = await app.request(`/v1/impersonation/sessions/admin-view${q}`, { headers: bearer(biKey) });
    expect(other.status).toBe(403);
    expect((await app.request(`/v1/impersonation/sessions/admin-view?impersonator=robot:x`, { headers: bearer(ADMIN_KEY) })).status).toBe(400);
    expect((await app.request(`/v1/impersonation/sessions/admin-view${q}`, json('PUT', { userid: 'jdoe' }, bearer(ADMIN_KEY)))).status).toBe(400);
    expect((await app.request(`/v1/impersonation/sessions/admin-view${q}`, { method: 'DELETE', headers: bearer(ADMIN_KEY) })).status).toBe(204);
    expect((await userinfoOf(token, 'jdoe')).status).toBe(401);
    expect((await auditRecords(s)).find((r) => r.action === 'DELETE' && r.sessionId === 'admin-view')).toMatchObject({ actor: { type: 'bootstrap', id: 'admin' }, impersonationUser: 'bim/holder' });
  });
});

describe('what a token may do', () => {
  it('acts as the target on /userinfo but only about itself', async () => {
    const { token } = await mint(biKey, 'ui-1', { userid: 'jdoe' });
    expect((await userinfoOf(token, 'jdoe')).status).toBe(200);
    expect((await userinfoOf(token, 'ann')).status).toBe(403);
  });

  it('carries none of the target\'s admin permissions: 403 on an admin endpoint', async () => {
    const { token } = await mint(biKey, 'admin-1', { userid: 'boss' });
    const res = await userinfo.request('/v1/api-keys', json('POST', { principal: { type: 'service', id: 'x' }, name: 'x' }, bearer(token)));
    expect(res.status).toBe(403);
    expect((await app.request('/v1/settings/impersonation', { headers: bearer(token) })).status).toBe(403);
  });

  it('cannot mint further tokens', async () => {
    const { token } = await mint(holderKey, 'mint-1', { userid: 'jdoe' });
    expect((await putSession(app, token, 'mint-2', { userid: 'ann' })).status).toBe(403);
    expect((await putSession(app, token, 'mint-1', { userid: 'jdoe' })).status).toBe(403);
  });

  it('stops working when the target user is deactivated, and the use is audited', async () => {
    const victim = await user(s, 'okta', 'leaver');
    const { token } = await mint(biKey, 'leave-1', { userid: 'leaver' });
    expect((await userinfoOf(token, 'leaver')).status).toBe(200);
    await s.users.update(victim, { active: false });
    expect((await userinfoOf(token, 'leaver')).status).toBe(401);
    expect((await auditRecords(s)).find((r) => r.action === 'TOKEN_REVOKED_USE' && r.userId === 'okta/leaver')).toMatchObject({
      payload: { reason: 'user deactivated' },
    });
  });

  it('rejects a tampered token with 401', async () => {
    const { token } = await mint(biKey, 'tamper-1', { userid: 'jdoe' });
    const [h, p, sig] = token.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: 'ann' })).toString('base64url')}.${sig}`;
    expect((await userinfoOf(forged, 'ann')).status).toBe(401);
  });
});

describe('ending a session', () => {
  it('answers 204, revokes every token of the session at once, and audits the end', async () => {
    const t1 = await mint(biKey, 'end-1', { userid: 'jdoe' });
    const t2 = await mint(biKey, 'end-1', { userid: 'jdoe' });
    const del = await app.request('/v1/impersonation/sessions/end-1', { method: 'DELETE', headers: bearer(biKey) });
    expect(del.status).toBe(204);
    for (const t of [t1, t2]) expect((await userinfoOf(t.token, 'jdoe')).status).toBe(401);
    expect((await app.request('/v1/impersonation/sessions/end-1', { headers: bearer(biKey) })).status).toBe(404);
    const audit = await auditRecords(s);
    expect(audit.find((r) => r.action === 'DELETE' && r.sessionId === 'end-1')).toMatchObject({ userId: 'okta/jdoe', impersonationUser: 'service:bi-tool', actionStatus: 'SUCCESS' });
    expect(audit.find((r) => r.action === 'TOKEN_REVOKED_USE' && r.sessionId === 'end-1')).toMatchObject({ payload: { reason: 'session ended' } });
    // The id may start a new session; the old tokens stay revoked.
    const fresh = await mint(biKey, 'end-1', { userid: 'jdoe' });
    expect((await userinfoOf(fresh.token, 'jdoe')).status).toBe(200);
    expect((await userinfoOf(t1.token, 'jdoe')).status).toBe(401);
  });
});

describe('JWKS', () => {
  it('publishes the public keys (no auth) and a token verifies with jose against them alone', async () => {
    const { token } = await mint(biKey, 'jwks-1', { userid: 'jdoe' });
    const res = await app.request('/.well-known/jwks.json');
    expect(res.status).toBe(200);
    const jwks = (await res.json()) as { keys: Array<Record<string, unknown>> };
    expect(jwks.keys.length).toBeGreaterThan(0);
    for (const k of jwks.keys) {
      expect(k).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(k).not.toHaveProperty('d');
    }
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks as never), { issuer: ISSUER, audience: ISSUER, algorithms: ['ES256'] });
    expect(protectedHeader).toMatchObject({ alg: 'ES256', kid: jwks.keys[0]!.kid });
    expect(payload.sub).toBe('jdoe');
  });
});
