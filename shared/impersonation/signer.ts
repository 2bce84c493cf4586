import { MAX_TOKEN_TTL_SECONDS } from '#shared/model/impersonation.ts';
import type { ImpersonationClaims } from './tokens.ts';

/** Signs impersonation tokens (ES256, `kid` in the header). */
export interface TokenSigner {
  /** Makes sure a signing key exists and is published (first start generates it locally). */
  ready(): Promise<void>;
  /** The compact JWS of the claims. */
  sign(claims: ImpersonationClaims): Promise<string>;
}

/** How long a replaced key stays in the JWKS: the longest token lifetime plus clock skew. */
export const RETIRE_GRACE_SECONDS = MAX_TOKEN_TTL_SECONDS + 300;

/** A signer that refuses to mint, naming the setting it lacks (a function that must not sign locally). */
export function refusingSigner(missing: string): TokenSigner {
  const refuse = async (): Promise<never> => {
    throw new Error(`${missing} is not set: impersonation tokens are signed only with KMS in AWS`);
  };
  return { ready: refuse, sign: refuse };
}

/** The JOSE header of every token signed with `kid`. */
export const joseHeader = (kid: string) => ({ alg: 'ES256', typ: 'JWT', kid }) as const;

/**
 * A signing key loaded once and shared by concurrent signs; a failed load is forgotten, so the
 * next sign tries again (KMS or DynamoDB failing at a cold start must not poison the instance).
 */
export class KeyOnce<T> {
  private value: Promise<T> | undefined;

  constructor(private readonly load: () => Promise<T>) {}

  /** The loaded key, loading it on the first call and after a failed load. */
  get(): Promise<T> {
    this.value ??= this.load().catch((err: unknown) => {
      this.value = undefined;
      throw err;
    });
    return this.value;
  }

  /** Replaces the key (a rotation that installed a new one). */
  set(value: Promise<T>): void {
    this.value = value;
  }
}
