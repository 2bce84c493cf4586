import { decodeJwt } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createScimApp } from '#functions/scim/app.ts';
import { createUserinfoApp } from '#functions/userinfo/app.ts';
import { DEFAULT_AUTH_CACHE_MS } from '#shared/auth/authenticate.ts';
import { sha256Hex } from '#shared/auth/secrets.ts';
import { LocalSigner } from '#shared/impersonation/local-signer.ts';
import { SigningKeyRepository } from '#shared/store/signing-keys.ts';
import type { ImpersonationClaims } from '#shared/impersonation/tokens.ts';
import { POSITIVE_CACHE_MS } from '#shared/impersonation/verifier.ts';
import type { DecidingServices } from '#shared/services.ts';
import { pause } from '../../support/policy.ts';
import { ADMIN_KEY, auditRecords, bearer, json } from '../../support/services.ts';
import { caller, oktaUser, PATCH_OP, type Caller } from '../scim/client.ts';
import { impersonationApp, impersonationServices, putSession, type SessionAnswer } from './support.ts';

const SCIM_TOKEN = 'scim_rights-test';
const LISTED = ['bi-tool', 'tableau', 'looker', 'sigma'].map((id) => ({ type: 'service', id }));

let s: DecidingServices;
let clock: { now: number };
let app: ReturnType<typeof impersonationApp>;
let userinfo: ReturnType<typeof createUserinfoApp>;
let scim: Caller;

beforeAll(async () => {
  // The verifier keeps a positive check for the production second, on the test clock.
  ({ services: s, clock } = await impersonationServices(POSITIVE_CACHE_MS));
  app = impersonationApp(s, clock, { userMappingIamid: 'okta' });
  userinfo = createUserinfoApp(s);
  await s.iams.put({ id: 'okta', name: 'Okta', scim: { enabled: true, tokenHash: sha256Hex(SCIM_TOKEN) } });
  scim = caller(createScimApp(s), SCIM_TOKEN);
  await putSettings(LISTED);
  for (const name of ['jdoe', 'ann']) expect((await scim('POST', '/Users', oktaUser(name))).status).toBe(201);
});

const admin = (path: string, init: RequestInit = {}) => ({ path, init: { ...init, headers: { ...bearer(ADMIN_KEY), ...(init.headers as Record<string, string>) } } });

async function putSettings(allowedImpersonators: unknown[]): Promise<void> {
  const res = await app.request('/v1/settings/impersonation', json('PUT', { allowedImpersonators, userMappingIamid: 'okta' }, bearer(ADMIN_KEY)));
  expect(res.status).toBe(200);
}

/** An API key created over HTTP, as an administrator would. */
async function newKey(principal: Record<string, unknown>, permissions: string[] = []): Promise<{ keyId: string; apiKey: string }> {
  const { path, init } = admin('/v1/api-keys', json('POST', { principal, name: 'k', permissions }));
  const res = await userinfo.request(path, init);
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { keyId: string; apiKey: string };
}

/** A SCIM-provisioned user of okta that holds IMPERSONATE_USER, and its key. */
async function scimImpersonator(userName: string): Promise<{ scimId: string; apiKey: string; keyId: string }> {
  const created = await scim('POST', '/Users', oktaUser(userName));
  expect(created.status).toBe(201);
  const { path, init } = admin(`/v1/users/okta/${userName}/permissions`, json('PUT', { permissions: ['IMPERSONATE_USER'] }));
  expect((await userinfo.request(path, init)).status).toBe(200);
  return { scimId: created.body.id as string, ...(await newKey({ type: 'user', iamid: 'okta', id: userName })) };
}

async function mint(key: string, sessionId: string, userid = 'jdoe'): Promise<string> {
  const res = await putSession(app, key, sessionId, { userid });
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as SessionAnswer).token;
}

const use = async (token: string, userid = 'jdoe') => (await userinfo.request(`/userinfo?userid=${userid}&iamid=okta`, { headers: bearer(token) })).status;

/** The token works until the change, for at most the cache time after it, and never again. */
async function stopsWithinASecond(token: string, change: () => Promise<void>, reason: string, userid = 'jdoe'): Promise<void> {
  expect(await use(token, userid)).toBe(200);
  await change();
  clock.now += POSITIVE_CACHE_MS / 2;
  expect(await use(token, userid)).toBe(200);
  clock.now += POSITIVE_CACHE_MS / 2 + 1;
  expect(await use(token, userid)).toBe(401);
  const { jti } = decodeJwt(token);
  expect((await auditRecords(s)).filter((r) => r.action === 'TOKEN_REVOKED_USE' && (r.targets as string[])[0] === jti).at(-1)).toMatchObject({ payload: { reason } });
}

const patchActive = (scimId: string, active: boolean) => scim('PATCH', `/Users/${scimId}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active } }] });

describe('tokens stop within a second when the impersonator loses its right', () => {
  it('a service principal leaving the allow list', async () => {
    const { apiKey } = await newKey({ type: 'service', id: 'tableau' });
    const token = await mint(apiKey, 'left-list');
    await stopsWithinASecond(token, () => putSettings(LISTED.filter((p) => p.id !== 'tableau')), 'impersonator left the allow list');
  });

  it('the API key that minted the token being deleted', async () => {
    const { apiKey, keyId } = await newKey({ type: 'service', id: 'looker' });
    const token = await mint(apiKey, 'key-gone');
    await stopsWithinASecond(token, async () => {
      const { path, init } = admin(`/v1/api-keys/${keyId}`, { method: 'DELETE' });
      expect((await userinfo.request(path, init)).status).toBe(204);
    }, 'impersonator key deleted');
  });

  it('a user impersonator losing IMPERSONATE_USER', async () => {
    const { apiKey } = await scimImpersonator('perm.loser');
    const token = await mint(apiKey, 'lost-perm');
    await stopsWithinASecond(token, async () => {
      const { path, init } = admin('/v1/users/okta/perm.loser/permissions', json('PUT', { permissions: ['QUERY_ENGINE'] }));
      expect((await userinfo.request(path, init)).status).toBe(200);
    }, 'impersonator lost IMPERSONATE_USER');
  });

  it('a user impersonator deactivated over SCIM, and it stays revoked once reactivated', async () => {
    const { apiKey, scimId } = await scimImpersonator('deactivated.imp');
    const token = await mint(apiKey, 'imp-off');
    await stopsWithinASecond(token, async () => expect((await patchActive(scimId, false)).status).toBe(200), 'impersonator deactivated');
    expect((await patchActive(scimId, true)).status).toBe(200);
    clock.now += POSITIVE_CACHE_MS + 1;
    expect(await use(token)).toBe(401);
    expect(await use(await mint(apiKey, 'imp-off'))).toBe(200);
  });

  it('a user impersonator deleted over SCIM: its key goes with it, and a new user of the same name revives neither', async () => {
    const { apiKey, scimId } = await scimImpersonator('deleted.imp');
    const token = await mint(apiKey, 'imp-gone');
    await stopsWithinASecond(token, async () => expect((await scim('DELETE', `/Users/${scimId}`)).status).toBe(204), 'impersonator deleted');
    await scimImpersonator('deleted.imp');
    clock.now += POSITIVE_CACHE_MS + 1;
    expect(await use(token)).toBe(401);
    // The deleted key: 401 once this instance's key cache (≤ 1 s) forgets it, 403 (its id item is gone) before.
    expect([401, 403]).toContain((await putSession(app, apiKey, 'imp-gone', { userid: 'jdoe' })).status);
  });
});

describe('old credentials never come back', () => {
  it('a target deactivated and reactivated over SCIM: the tokens from before stay revoked', async () => {
    const created = await scim('POST', '/Users', oktaUser('returner'));
    const { apiKey } = await newKey({ type: 'service', id: 'bi-tool' });
    const token = await mint(apiKey, 'returner', 'returner');
    await stopsWithinASecond(token, async () => expect((await patchActive(created.body.id, false)).status).toBe(200), 'user deactivated', 'returner');
    expect((await patchActive(created.body.id, true)).status).toBe(200);
    clock.now += POSITIVE_CACHE_MS + 1;
    expect(await use(token, 'returner')).toBe(401);
    expect(await use(await mint(apiKey, 'returner', 'returner'), 'returner')).toBe(200);
  });

  it('a target deleted and provisioned again under the same userName: neither its tokens nor its API keys act for the new person', async () => {
    const first = await scim('POST', '/Users', oktaUser('namesake'));
    const own = await newKey({ type: 'user', iamid: 'okta', id: 'namesake' });
    const { apiKey } = await newKey({ type: 'service', id: 'bi-tool' });
    const token = await mint(apiKey, 'namesake', 'namesake');
    expect((await userinfo.request('/userinfo?userid=namesake&iamid=okta', { headers: bearer(own.apiKey) })).status).toBe(200);
    expect((await scim('DELETE', `/Users/${first.body.id}`)).status).toBe(204);
    expect((await scim('POST', '/Users', oktaUser('namesake'))).status).toBe(201);
    clock.now += POSITIVE_CACHE_MS + 1;
    // API keys are looked up again after at most the key cache time.
    await pause(DEFAULT_AUTH_CACHE_MS + 20);
    expect(await use(token, 'namesake')).toBe(401);
    expect((await userinfo.request('/userinfo?userid=namesake&iamid=okta', { headers: bearer(own.apiKey) })).status).toBe(401);
  });
});

describe('the one impersonation rule', () => {
  it('refuses a service principal holding IMPERSONATE_USER that is not on the allow list: 403, audited', async () => {
    const { apiKey } = await newKey({ type: 'service', id: 'permitted-only' }, ['IMPERSONATE_USER']);
    const res = await putSession(app, apiKey, 'svc-perm', { userid: 'jdoe' });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { detail: string }).detail).toBe('`service:permitted-only` may not impersonate: a service principal must be in `allowedImpersonators`');
    expect((await auditRecords(s)).find((r) => r.action === 'IMPERSONATE' && r.sessionId === 'svc-perm')).toMatchObject({ actionStatus: 'UNAUTHORIZED', impersonationUser: 'service:permitted-only' });
  });

  it('refuses the bootstrap admin, even with `service:admin` on the allow list', async () => {
    await putSettings([...LISTED, { type: 'service', id: 'admin' }]);
    try {
      const res = await putSession(app, ADMIN_KEY, 'bootstrap', { userid: 'jdoe' });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { detail: string }).detail).toContain('bootstrap admin');
    } finally {
      await putSettings(LISTED);
    }
  });

  it('lets a user holding IMPERSONATE_USER impersonate without a listing, and refuses a listed user without it', async () => {
    const { apiKey } = await scimImpersonator('unlisted.holder');
    expect((await putSession(app, apiKey, 'holder', { userid: 'ann' })).status).toBe(200);
    await scim('POST', '/Users', oktaUser('listed.plain'));
    const plain = await newKey({ type: 'user', iamid: 'okta', id: 'listed.plain' });
    await putSettings([...LISTED, { type: 'user', iamid: 'okta', id: 'listed.plain' }]);
    try {
      const res = await putSession(app, plain.apiKey, 'plain', { userid: 'ann' });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { detail: string }).detail).toContain('requires permission `IMPERSONATE_USER`');
    } finally {
      await putSettings(LISTED);
    }
  });

  it('with WARDEN_REQUIRE_ALLOW_LIST, also requires users to be listed, where tokens are minted and where they are verified', async () => {
    const strict = await impersonationServices(0, { defaults: { allowedImpersonators: [{ type: 'user', iamid: 'bim', id: 'listed' }] }, requireAllowList: true });
    const strictApp = impersonationApp(strict.services, strict.clock, { allowedImpersonators: [{ type: 'user', iamid: 'bim', id: 'listed' }] }, true);
    const strictInfo = createUserinfoApp(strict.services);
    for (const id of ['listed', 'unlisted']) await strict.services.users.create({ iamid: 'bim', userid: id, displayName: id, permissions: ['IMPERSONATE_USER'] });
    await strict.services.users.create({ iamid: 'bim', userid: 'target', displayName: 'target' });
    const keyOf = async (id: string) => {
      const res = await strictInfo.request('/v1/api-keys', json('POST', { principal: { type: 'user', iamid: 'bim', id }, name: 'k' }, bearer(ADMIN_KEY)));
      return ((await res.json()) as { apiKey: string }).apiKey;
    };
    const refused = await putSession(strictApp, await keyOf('unlisted'), 'strict', { userid: 'target', iamid: 'bim' });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { detail: string }).detail).toContain('WARDEN_REQUIRE_ALLOW_LIST');
    const ok = await putSession(strictApp, await keyOf('listed'), 'strict', { userid: 'target', iamid: 'bim' });
    expect(ok.status).toBe(200);
    const { token } = (await ok.json()) as SessionAnswer;
    expect((await strictInfo.request('/userinfo?userid=target&iamid=bim', { headers: bearer(token) })).status).toBe(200);
    const unlistAll = json('PUT', { allowedImpersonators: [] }, bearer(ADMIN_KEY));
    expect((await strictApp.request('/v1/settings/impersonation', unlistAll)).status).toBe(200);
    expect((await strictInfo.request('/userinfo?userid=target&iamid=bim', { headers: bearer(token) })).status).toBe(401);
  });
});

describe('act must name the session\'s impersonator', () => {
  it('refuses over HTTP a token forged with the signing key from the table, naming another impersonator than the session\'s', async () => {
    const { apiKey } = await newKey({ type: 'service', id: 'sigma' });
    const real = decodeJwt(await mint(apiKey, 'forged-act')) as unknown as ImpersonationClaims;
    const signer = new LocalSigner(new SigningKeyRepository(s.db));
    const holder = await scimImpersonator('forger');
    const forger = decodeJwt(await mint(holder.apiKey, 'forger-own')) as unknown as ImpersonationClaims;
    // The session id and generation of sigma's session, the act of another impersonator.
    const forged = await signer.sign({ ...real, jti: 'forged', act: forger.act });
    expect(await use(forged)).toBe(401);
    const swapped = await signer.sign({ ...forger, jti: 'swapped', act: { ...forger.act, uid: 'another-person' } });
    expect(await use(swapped)).toBe(401);
    expect(await use(await mint(apiKey, 'forged-act'))).toBe(200);
  });
});
