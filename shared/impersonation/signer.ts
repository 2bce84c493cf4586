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
