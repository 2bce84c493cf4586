import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { decodeJwt } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Principal, principalLabel } from '#shared/model/identity.ts';
import { sessionKeys } from '#shared/store/key-formats.ts';
import { LocalSigner } from '#shared/impersonation/local-signer.ts';
import type { RevocationReason } from '#shared/impersonation/revocation.ts';
import { settingsFromEnv } from '#shared/impersonation/settings.ts';
import { SigningKeyRepository } from '#shared/store/signing-keys.ts';
import type { ImpersonationClaims } from '#shared/impersonation/tokens.ts';
import { createImpersonationVerifier } from '#shared/impersonation/verifier.ts';
import type { DecidingServices } from '#shared/services.ts';
import { ADMIN_KEY, auditRecords, bearer, json } from '../../support/services.ts';
import { apiKeyFor, impersonationApp, impersonationServices, ISSUER, putSession, user, type SessionAnswer } from '../../functions/impersonation/support.ts';

let s: DecidingServices;
let app: ReturnType<typeof impersonationApp>;
let biKey: string;
const biTool: Principal = { type: 'service', id: 'bi-tool' };
const settings = { allowedImpersonators: [{ type: 'service', id: 'bi-tool' }], singleImpersonationPerSession: false, userMappingIamid: 'okta' };

beforeAll(async () => {
  let clock;
  ({ services: s, clock } = await impersonationServices());
  app = impersonationApp(s, clock);
  biKey = await apiKeyFor(s, biTool);
  expect((await app.request('/v1/settings/impersonation', json('PUT', settings, bearer(ADMIN_KEY)))).status).toBe(200);
});

async function mint(key: string, sessionId: string, userid: string): Promise<string> {
  const res = await putSession(app, key, sessionId, { userid });
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as SessionAnswer).token;
}

/** A user impersonator with its own key, holding IMPERSONATE_USER. */
async function userImpersonator(userid: string): Promise<{ key: string; principal: Principal }> {
  await user(s, 'bim', userid, ['IMPERSONATE_USER']);
  const principal: Principal = { type: 'user', iamid: 'bim', id: userid };
  return { key: await apiKeyFor(s, principal), principal };
}

/** Asserts the token is refused for exactly `reason`, and that the use is audited with it. */
async function refusedFor(token: string, reason: RevocationReason): Promise<void> {
  await expect(s.impersonation!.verify(token)).rejects.toThrow(`impersonation token revoked: ${reason}`);
  const { jti } = decodeJwt(token);
  const record = (await auditRecords(s)).filter((r) => r.action === 'TOKEN_REVOKED_USE' && (r.targets as string[])[0] === jti).at(-1);
  expect(record).toMatchObject({ actionStatus: 'UNAUTHORIZED', payload: { reason } });
}

const accepted = (token: string) => expect(s.impersonation!.verify(token)).resolves.toMatchObject({ via: 'impersonation' });

describe('every revocation reason, by name', () => {
  it('session ended', async () => {
    await user(s, 'okta', 'r-ended');
    const token = await mint(biKey, 'r-ended', 'r-ended');
    await accepted(token);
    expect((await app.request('/v1/impersonation/sessions/r-ended', { method: 'DELETE', headers: bearer(biKey) })).status).toBe(204);
    await refusedFor(token, 'session ended');
  });

  it('unknown session: a session record gone without an end marker is refused, never accepted', async () => {
    await user(s, 'okta', 'r-gone');
    const token = await mint(biKey, 'r-gone', 'r-gone');
    await s.db.doc.send(new DeleteCommand({ TableName: s.db.tables.sessions, Key: sessionKeys.session(principalLabel(biTool), 'r-gone') }));
    await refusedFor(token, 'unknown session');
  });

  it('session switched to another user', async () => {
    await user(s, 'okta', 'r-first');
    await user(s, 'okta', 'r-second');
    const first = await mint(biKey, 'r-switch', 'r-first');
    const second = await mint(biKey, 'r-switch', 'r-second');
    await accepted(second);
    await refusedFor(first, 'session switched to another user');
  });

  it('user deactivated, and still after the user is reactivated', async () => {
    const target = await user(s, 'okta', 'r-off');
    const token = await mint(biKey, 'r-off', 'r-off');
    const off = await s.users.update(target, { active: false });
    await refusedFor(token, 'user deactivated');
    await s.users.update(off, { active: true });
    await refusedFor(token, 'user deactivated');
    await accepted(await mint(biKey, 'r-off', 'r-off'));
  });

  it('user deleted, then user recreated under the same userid', async () => {
    await user(s, 'okta', 'r-again');
    const token = await mint(biKey, 'r-again', 'r-again');
    await s.users.delete('okta', 'r-again');
    await refusedFor(token, 'user deleted');
    await user(s, 'okta', 'r-again');
    await refusedFor(token, 'user recreated');
  });

  it('impersonator lost IMPERSONATE_USER', async () => {
    await user(s, 'okta', 'r-perm');
    const { key } = await userImpersonator('r-perm-holder');
    const token = await mint(key, 'r-perm', 'r-perm');
    await accepted(token);
    await s.users.update((await s.users.getProfile('bim', 'r-perm-holder'))!, { permissions: ['QUERY_ENGINE'] });
    await refusedFor(token, 'impersonator lost IMPERSONATE_USER');
  });

  it('impersonator left the allow list', async () => {
    await user(s, 'okta', 'r-list');
    const tableau = await apiKeyFor(s, { type: 'service', id: 'tableau' });
    const listed = { ...settings, allowedImpersonators: [...settings.allowedImpersonators, { type: 'service', id: 'tableau' }] };
    expect((await app.request('/v1/settings/impersonation', json('PUT', listed, bearer(ADMIN_KEY)))).status).toBe(200);
    const token = await mint(tableau, 'r-list', 'r-list');
    await accepted(token);
    expect((await app.request('/v1/settings/impersonation', json('PUT', settings, bearer(ADMIN_KEY)))).status).toBe(200);
    await refusedFor(token, 'impersonator left the allow list');
  });

  it('impersonator key deleted', async () => {
    await user(s, 'okta', 'r-key');
    const second = await apiKeyFor(s, biTool);
    const token = await mint(second, 'r-key', 'r-key');
    const other = await mint(biKey, 'r-key-other', 'r-key');
    const { sha256Hex } = await import('#shared/auth/secrets.ts');
    await s.apiKeys.delete((await s.apiKeys.getByHash(sha256Hex(second)))!);
    await refusedFor(token, 'impersonator key deleted');
    await accepted(other);
  });

  it('impersonator deactivated, and still after it is reactivated', async () => {
    await user(s, 'okta', 'r-imp-off');
    const { key } = await userImpersonator('r-imp-off-holder');
    const token = await mint(key, 'r-imp-off', 'r-imp-off');
    const off = await s.users.update((await s.users.getProfile('bim', 'r-imp-off-holder'))!, { active: false });
    await refusedFor(token, 'impersonator deactivated');
    await s.users.update(off, { active: true });
    await refusedFor(token, 'impersonator deactivated');
  });

  it('impersonator deleted, impersonator recreated, then impersonator mismatch once the new one reuses the session id', async () => {
    await user(s, 'okta', 'r-imp-del');
    const { key } = await userImpersonator('r-imp-del-holder');
    const token = await mint(key, 'r-imp-del', 'r-imp-del');
    await s.users.delete('bim', 'r-imp-del-holder');
    await refusedFor(token, 'impersonator deleted');
    const reborn = await userImpersonator('r-imp-del-holder');
    await refusedFor(token, 'impersonator recreated');
    const fresh = await mint(reborn.key, 'r-imp-del', 'r-imp-del');
    await accepted(fresh);
    await refusedFor(token, 'impersonator mismatch');
  });

  it('impersonator mismatch: a token forged with the signing key, naming another identity than the session\'s impersonator', async () => {
    await user(s, 'okta', 'r-forged');
    const { key } = await userImpersonator('r-forged-holder');
    const real = decodeJwt(await mint(key, 'r-forged', 'r-forged')) as unknown as ImpersonationClaims;
    const signer = new LocalSigner(new SigningKeyRepository(s.db));
    const forged = await signer.sign({ ...real, jti: 'forged-1', act: { ...real.act, uid: 'someone-else' } });
    await refusedFor(forged, 'impersonator mismatch');
    // `act` naming one impersonator while its parts name another is not even a valid token.
    const inconsistent = await signer.sign({ ...real, jti: 'forged-2', act: { ...real.act, sub: principalLabel(biTool) } });
    await expect(s.impersonation!.verify(inconsistent)).rejects.toThrow('invalid impersonation token');
    // Naming another impersonator reads that impersonator's session of the id: there is none.
    const other = await signer.sign({ ...real, jti: 'forged-3', act: { sub: principalLabel(biTool), type: 'service', id: 'bi-tool', key: real.act.key } });
    await refusedFor(other, 'unknown session');
  });
});

describe('the settings a verdict rests on', () => {
  it('applies the deployment defaults while no settings are stored, and WARDEN_REQUIRE_ALLOW_LIST to users', async () => {
    const defaults = { allowedImpersonators: [biTool] };
    const { services, clock } = await impersonationServices(0, { defaults });
    const fresh = impersonationApp(services, clock, defaults);
    await user(services, 'okta', 'd-target');
    await user(services, 'bim', 'd-holder', ['IMPERSONATE_USER']);
    const minted = async (key: string, sid: string) => ((await (await putSession(fresh, key, sid, { userid: 'd-target', iamid: 'okta' })).json()) as SessionAnswer).token;
    const service = await minted(await apiKeyFor(services, biTool), 'd-1');
    const holder = await minted(await apiKeyFor(services, { type: 'user', iamid: 'bim', id: 'd-holder' }), 'd-2');
    await expect(services.impersonation!.verify(service)).resolves.toBeDefined();
    await expect(services.impersonation!.verify(holder)).resolves.toBeDefined();
    const unlisted = createImpersonationVerifier(services, { issuer: ISSUER, defaults: settingsFromEnv({}), requireAllowList: false });
    await expect(unlisted.verify(service)).rejects.toThrow('impersonator left the allow list');
    const strict = createImpersonationVerifier(services, { issuer: ISSUER, defaults: { ...settingsFromEnv({}), ...defaults }, requireAllowList: true });
    await expect(strict.verify(service)).resolves.toBeDefined();
    await expect(strict.verify(holder)).rejects.toThrow('impersonator left the allow list');
  });
});
