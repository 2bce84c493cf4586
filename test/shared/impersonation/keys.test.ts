import { generateKeyPairSync, sign } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { KmsSigner, type KmsPort } from '#shared/impersonation/kms-signer.ts';
import { LocalSigner } from '#shared/impersonation/local-signer.ts';
import { RETIRE_GRACE_SECONDS } from '#shared/impersonation/signer.ts';
import { SigningKeyRepository } from '#shared/store/signing-keys.ts';
import { buildClaims } from '#shared/impersonation/tokens.ts';
import type { Services } from '#shared/services.ts';
import { impersonationServices, ISSUER } from '../../functions/impersonation/support.ts';

let s: Services;
// Each test starts from empty tables: the current key is shared state.
beforeEach(async () => {
  ({ services: s } = await impersonationServices());
});

function claims(now: number, jti = 'j1') {
  const iat = Math.floor(now / 1000);
  return buildClaims({ issuer: ISSUER, user: { iamid: 'okta', userid: 'jdoe', uid: 'u1', stamp: 'st1' }, minter: { principal: { type: 'service', id: 'bi-tool' }, keyId: 'k1' }, sessionId: 's1', gen: 'g1', jti, issuedAt: iat, expiresAt: iat + 900 });
}

async function verifyWithJwks(store: SigningKeyRepository, token: string, now = Date.now()) {
  const jwks = createLocalJWKSet({ keys: await store.publicKeys(Math.floor(now / 1000)) });
  return jwtVerify(token, jwks, { issuer: ISSUER, audience: ISSUER, algorithms: ['ES256'], currentDate: new Date(now) });
}

/** A KMS fake that signs with a local P-256 key, answering DER as KMS does. */
function fakeKms(): KmsPort & { calls: string[] } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const calls: string[] = [];
  return {
    calls,
    async signMessage(arn, message) {
      calls.push(`sign ${arn}`);
      // As KMS does for MessageType RAW with ECDSA_SHA_256: hash, sign, answer DER.
      return sign('sha256', message, { key: privateKey, dsaEncoding: 'der' });
    },
    async publicKeySpki(arn) {
      calls.push(`public ${arn}`);
      return publicKey.export({ format: 'der', type: 'spki' });
    },
  };
}

describe('signing keys', () => {
  it('signs with a KMS key through the port: jose verifies the token against the published JWKS', async () => {
    const store = new SigningKeyRepository(s.db);
    const kms = fakeKms();
    const signer = new KmsSigner(kms, 'arn:aws:kms:eu-west-1:1:key/a', store);
    for (let i = 0; i < 20; i++) {
      const token = await signer.sign(claims(Date.now(), `k${i}`));
      const { payload } = await verifyWithJwks(store, token);
      expect(payload).toMatchObject({ sub: 'jdoe', jti: `k${i}`, act: { sub: 'service:bi-tool' } });
    }
    expect(kms.calls.filter((c) => c.startsWith('public'))).toHaveLength(1);
  });

  it('keeps the replaced key in the JWKS until its tokens have expired', async () => {
    const store = new SigningKeyRepository(s.db);
    const t = { now: Date.now() };
    const signer = new LocalSigner(store, () => t.now);
    const oldToken = await signer.sign(claims(t.now));
    const oldKid = decodeProtectedHeader(oldToken).kid;
    const newKid = await signer.rotate();
    expect(newKid).not.toBe(oldKid);
    const newToken = await signer.sign(claims(t.now, 'j2'));
    expect(decodeProtectedHeader(newToken).kid).toBe(newKid);
    const kids = (await store.publicKeys(Math.floor(t.now / 1000))).map((k) => k.kid);
    expect(kids).toEqual(expect.arrayContaining([oldKid, newKid]));
    await expect(verifyWithJwks(store, oldToken, t.now)).resolves.toBeDefined();
    const afterGrace = t.now + (RETIRE_GRACE_SECONDS + 1) * 1000;
    expect((await store.publicKeys(Math.floor(afterGrace / 1000))).map((k) => k.kid)).toEqual([newKid]);
  });

  it('reuses the stored key after a restart, and a new KMS key retires the local one', async () => {
    const store = new SigningKeyRepository(s.db);
    const first = decodeProtectedHeader(await new LocalSigner(store).sign(claims(Date.now()))).kid;
    const second = decodeProtectedHeader(await new LocalSigner(store).sign(claims(Date.now()))).kid;
    expect(second).toBe(first);
    const kms = new KmsSigner(fakeKms(), 'arn:aws:kms:eu-west-1:1:key/b', store);
    const kmsKid = decodeProtectedHeader(await kms.sign(claims(Date.now()))).kid;
    expect((await store.current())?.kid).toBe(kmsKid);
    expect((await store.publicKeys(Math.floor(Date.now() / 1000))).map((k) => k.kid)).toContain(first);
  });
});
