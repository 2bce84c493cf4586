import type { JWK } from 'jose';
import type { Principal, UserRef } from './identity.ts';

/** Who may impersonate and how (Databricks' cluster variables, as one document). */
export interface ImpersonationSettings {
  readonly allowedImpersonators: readonly Principal[];
  readonly singleImpersonationPerSession: boolean;
  readonly userMappingIamid: string;
  readonly tokenTtlSeconds: number;
}

/** Settings as stored, with the version the next write is conditional on (0: never stored). */
export interface StoredSettings extends ImpersonationSettings {
  readonly version: number;
  readonly updatedAt?: string;
}

/** An impersonation session: who impersonates whom, and until when tokens of it may live. */
export interface SessionRecord {
  readonly sessionId: string;
  readonly user: UserRef;
  readonly impersonator: Principal;
  /** A user impersonator's uid: a later user of the same userid does not inherit the session. */
  readonly impersonatorUid?: string;
  /** The API key of the latest mint (each token names its own in `act.key`). */
  readonly keyId: string;
  /** Changes whenever the session's user changes: tokens of an earlier generation are revoked. */
  readonly gen: string;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Epoch seconds: expiry of the session's latest token, the item's TTL. */
  readonly expiresAt: number;
  readonly lastJti: string;
}

/** The marker left by an ended session: its tokens are revoked, not merely unknown. */
export interface RevocationMarker {
  readonly gen: string;
  readonly revokedAt: string;
  readonly expiresAt: number;
}

/** A signing key as the JWKS and the signers know it. */
export interface SigningKeyRecord {
  /** RFC 7638 thumbprint of the public key. */
  readonly kid: string;
  readonly publicJwk: JWK;
  /** Local runtime only: the private key, kept with the data so restarts with `--data-dir` reuse it. */
  readonly privateJwk?: JWK;
  /** AWS: the KMS key that holds the private half. */
  readonly kmsKeyArn?: string;
  readonly createdAt: string;
  /** Epoch seconds after which a replaced key leaves the JWKS (every token it signed has expired). */
  readonly retireAfter?: number;
}
