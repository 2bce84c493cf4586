import { beforeAll, describe, expect, it } from 'vitest';
import { base64url, decodeJwt, SignJWT, UnsecuredJWT } from 'jose';
import { AuthenticationError } from '#shared/auth/errors.ts';
import type { DecidingServices } from '#shared/services.ts';
import { settingsFromEnv } from '#shared/impersonation/settings.ts';
import { createImpersonationVerifier } from '#shared/impersonation/verifier.ts';
import { auditRecords } from '../../support/services.ts';
import { apiKeyFor, impersonationApp, impersonationServices, ISSUER, putSession, user, type SessionAnswer } from '../../functions/impersonation/support.ts';

let s: DecidingServices;
let clock: { now: number };
let app: ReturnType<typeof impersonationApp>;
let key: string;

const defaults = { allowedImpersonators: [{ type: 'service', id: 'bi-tool' }] } as const;

beforeAll(async () => {
  ({ services: s, clock } = await impersonationServices(0, { defaults }));
  app = impersonationApp(s, clock, defaults);
  await user(s, 'bim', 'jdoe');
  key = await apiKeyFor(s, { type: 'service', id: 'bi-tool' });
});

async function mint(sessionId: string): Promise<string> {
  const res = await putSession(app, key, sessionId, { userid: 'jdoe' });
  expect(res.status).toBe(200);
  return ((await res.json()) as SessionAnswer).token;
}

const rejects = (token: string, verifier = s.impersonation!) => expect(verifier.verify(token)).rejects.toBeInstanceOf(AuthenticationError);

describe('impersonation token verification', () => {
  it('accepts a valid token as the target user with no permissions at all', async () => {
    const caller = await s.impersonation!.verify(await mint('v-ok'));
    expect(caller.principal).toEqual({ type: 'user', iamid: 'bim', id: 'jdoe' });
    expect(caller.permissions.size).toBe(0);
    expect(caller.via).toBe('impersonation');
    expect(caller.impersonation).toMatchObject({ impersonator: { type: 'service', id: 'bi-tool' }, sessionId: 'v-ok' });
  });

  it('rejects a token whose payload or signature was changed', async () => {
    const token = await mint('v-tamper');
    const [h, p, sig] = token.split('.') as [string, string, string];
    const claims = decodeJwt(token);
    await rejects(`${h}.${base64url.encode(JSON.stringify({ ...claims, exp: claims.exp! + 3600 }))}.${sig}`);
    const bytes = base64url.decode(sig);
    bytes[10] = bytes[10]! ^ 1;
    await rejects(`${h}.${p}.${base64url.encode(bytes)}`);
  });

  it('rejects an expired token', async () => {
    const token = await mint('v-exp');
    const later = createImpersonationVerifier(s, { issuer: ISSUER, defaults: settingsFromEnv({}), requireAllowList: false, now: () => clock.now + 901_000 });
    await expect(later.verify(token)).rejects.toThrow('impersonation token expired');
  });

  it('rejects a token for another audience or issuer', async () => {
    const token = await mint('v-aud');
    await rejects(token, createImpersonationVerifier(s, { issuer: 'https://other.example', defaults: settingsFromEnv({}), requireAllowList: false }));
  });

  it('rejects `alg: none` and HS256 signed with the public key', async () => {
    const claims = decodeJwt(await mint('v-alg'));
    await rejects(new UnsecuredJWT(claims).encode());
    const jwks = (await (await app.request('/.well-known/jwks.json')).json()) as { keys: Array<{ x: string; kid: string }> };
    const secret = new TextEncoder().encode(JSON.stringify(jwks.keys[0]));
    const hs = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: jwks.keys[0]!.kid }).sign(secret);
    await rejects(hs);
  });

  it('rejects a token signed by a key that is not published', async () => {
    const { generateKeyPair } = await import('jose');
    const { privateKey } = await generateKeyPair('ES256');
    const claims = decodeJwt(await mint('v-foreign'));
    const jwks = (await (await app.request('/.well-known/jwks.json')).json()) as { keys: Array<{ kid: string }> };
    await rejects(await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: jwks.keys[0]!.kid }).sign(privateKey));
    await rejects(await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'unknown' }).sign(privateKey));
  });

  it('reuses a positive check for at most the cache time: a revocation reaches a warm verifier within it', async () => {
    const t = { now: clock.now };
    const warm = createImpersonationVerifier(s, { issuer: ISSUER, cacheMs: 1000, now: () => t.now, defaults: { ...settingsFromEnv({}), ...defaults }, requireAllowList: false });
    const token = await mint('v-cache');
    await warm.verify(token);
    expect((await app.request('/v1/impersonation/sessions/v-cache', { method: 'DELETE', headers: { authorization: `Bearer ${key}` } })).status).toBe(204);
    t.now += 500;
    await expect(warm.verify(token)).resolves.toBeDefined();
    t.now += 501;
    await expect(warm.verify(token)).rejects.toThrow('session ended');
    expect((await auditRecords(s)).some((r) => r.action === 'TOKEN_REVOKED_USE' && r.sessionId === 'v-cache')).toBe(true);
  });
});
