import { createPublicKey } from 'node:crypto';
import { base64url, calculateJwkThumbprint, type JWK } from 'jose';
import { nowIso } from '#shared/store/transact.ts';
import { derToJose } from './der.ts';
import { joseHeader, KeyOnce, RETIRE_GRACE_SECONDS, type TokenSigner } from './signer.ts';
import type { SigningKeyRepository } from '#shared/store/signing-keys.ts';
import type { ImpersonationClaims } from './tokens.ts';

/** The two KMS calls the signer makes; `kms-client.ts` adapts the SDK client, tests a fake. */
export interface KmsPort {
  /** ECDSA_SHA_256 signature of the message, DER-encoded (KMS `Sign`, MessageType RAW: KMS hashes it). */
  signMessage(keyArn: string, message: Uint8Array): Promise<Uint8Array>;
  /** The public key, SPKI DER (KMS `GetPublicKey`). */
  publicKeySpki(keyArn: string): Promise<Uint8Array>;
}

/**
 * Signs with a KMS asymmetric key (ECC_NIST_P256, SIGN_VERIFY): the private key never leaves
 * KMS. On first use it publishes the key's public half in the JWKS, retiring the key it replaces.
 */
export class KmsSigner implements TokenSigner {
  private readonly kid = new KeyOnce(() => this.publish());

  constructor(
    private readonly kms: KmsPort,
    private readonly keyArn: string,
    private readonly store: SigningKeyRepository,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Publishes the KMS key's public key if it is not the current one yet. */
  async ready(): Promise<void> {
    await this.kid.get();
  }

  /** The compact JWS: the signing input signed by KMS, DER converted to `r || s`. */
  async sign(claims: ImpersonationClaims): Promise<string> {
    const kid = await this.kid.get();
    const input = `${base64url.encode(JSON.stringify(joseHeader(kid)))}.${base64url.encode(JSON.stringify(claims))}`;
    // RAW lets KMS hash the input (at most 4 KiB; a token is well under 1 KiB).
    const der = await this.kms.signMessage(this.keyArn, new TextEncoder().encode(input));
    return `${input}.${base64url.encode(derToJose(der))}`;
  }

  private async publish(): Promise<string> {
    const spki = await this.kms.publicKeySpki(this.keyArn);
    const publicJwk = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' }).export({ format: 'jwk' }) as JWK;
    const kid = await calculateJwkThumbprint(publicJwk);
    for (let attempt = 0; attempt < 3; attempt++) {
      const current = await this.store.current();
      if (current?.kid === kid) return kid;
      const record = { kid, publicJwk, kmsKeyArn: this.keyArn, createdAt: nowIso() };
      // Several cold starts may race to publish the same key: whoever loses re-reads.
      if (await this.store.install(record, current?.kid, Math.floor(this.now() / 1000) + RETIRE_GRACE_SECONDS)) return kid;
    }
    throw new Error(`could not publish the public key of \`${this.keyArn}\``);
  }
}
