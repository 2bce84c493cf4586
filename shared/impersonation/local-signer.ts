import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT, type CryptoKey } from 'jose';
import { nowIso } from '#shared/store/transact.ts';
import { joseHeader, KeyOnce, RETIRE_GRACE_SECONDS, type TokenSigner } from './signer.ts';
import type { SigningKeyRecord } from '#shared/model/impersonation.ts';
import type { SigningKeyRepository } from '#shared/store/signing-keys.ts';
import type { ImpersonationClaims } from './tokens.ts';

interface LoadedKey {
  readonly kid: string;
  readonly key: CryptoKey;
}

async function newKeyRecord(): Promise<SigningKeyRecord> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  return { kid: await calculateJwkThumbprint(publicJwk), publicJwk, privateJwk: await exportJWK(privateKey), createdAt: nowIso() };
}

async function load(record: SigningKeyRecord): Promise<LoadedKey> {
  if (!record.privateJwk) throw new Error(`signing key \`${record.kid}\` has no local private key`);
  return { kid: record.kid, key: (await importJWK(record.privateJwk, 'ES256')) as CryptoKey };
}

/**
 * The local runtime's signer: a P-256 key generated at first start and kept in the sessions
 * table, so a restart with `--data-dir` signs with the same key.
 */
export class LocalSigner implements TokenSigner {
  private readonly loaded = new KeyOnce(() => this.loadOrCreate());

  constructor(
    private readonly store: SigningKeyRepository,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Loads the current key, generating and installing one if none exists. */
  async ready(): Promise<void> {
    await this.loaded.get();
  }

  /** Signs the claims with the current key. */
  async sign(claims: ImpersonationClaims): Promise<string> {
    const { kid, key } = await this.loaded.get();
    return new SignJWT({ ...claims }).setProtectedHeader(joseHeader(kid)).sign(key);
  }

  /** Replaces the current key; the old one stays in the JWKS until its tokens have expired. */
  async rotate(): Promise<string> {
    const previous = await this.store.current();
    const record = await newKeyRecord();
    const retireAfter = Math.floor(this.now() / 1000) + RETIRE_GRACE_SECONDS;
    if (!(await this.store.install(record, previous?.kid, retireAfter))) throw new Error('signing key was rotated concurrently');
    this.loaded.set(load(record));
    return record.kid;
  }

  private async loadOrCreate(): Promise<LoadedKey> {
    const existing = await this.store.current();
    if (existing) return load(existing);
    const record = await newKeyRecord();
    if (await this.store.install(record, undefined, 0)) return load(record);
    // Another process installed its key first: use that one.
    const winner = await this.store.current();
    if (!winner) throw new Error('no current signing key after a lost install race');
    return load(winner);
  }
}
