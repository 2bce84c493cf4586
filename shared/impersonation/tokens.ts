import * as z from 'zod';
import { principalLabel } from '#shared/auth/caller.ts';
import type { Principal, UserRef } from '#shared/model/identity.ts';

/** The claims of an impersonation token (CONTRACT.md), `act` extended so the impersonator can be rebuilt. */
export interface ImpersonationClaims {
  readonly iss: string;
  readonly aud: string;
  /** The impersonated user's id; `iamid` names its IAM. */
  readonly sub: string;
  readonly iamid: string;
  /** RFC 8693 actor: `sub` is the impersonator's label (`service:bi-tool`, `user:okta/edixon`). */
  readonly act: { readonly sub: string; readonly type: Principal['type']; readonly id: string; readonly iamid?: string };
  readonly sid: string;
  /** Session generation: a user switch starts a new one, revoking the previous user's tokens. */
  readonly gen: string;
  readonly jti: string;
  readonly iat: number;
  readonly exp: number;
}

/** What verification accepts as claims after the signature and standard checks. */
export const claimsSchema = z.object({
  sub: z.string().min(1),
  iamid: z.string().min(1),
  act: z.object({ sub: z.string(), type: z.enum(['user', 'service']), id: z.string().min(1), iamid: z.string().min(1).optional() }),
  sid: z.string().min(1),
  gen: z.string().min(1),
  jti: z.string().min(1),
  exp: z.number(),
});

/** The claims of a token for `user`, minted by `impersonator` in session `sid`. */
export function buildClaims(input: {
  issuer: string;
  user: UserRef;
  impersonator: Principal;
  sessionId: string;
  gen: string;
  jti: string;
  issuedAt: number;
  expiresAt: number;
}): ImpersonationClaims {
  const p = input.impersonator;
  return {
    iss: input.issuer,
    aud: input.issuer,
    sub: input.user.userid,
    iamid: input.user.iamid,
    act: { sub: principalLabel(p), type: p.type, id: p.id, ...(p.type === 'user' ? { iamid: p.iamid } : {}) },
    sid: input.sessionId,
    gen: input.gen,
    jti: input.jti,
    iat: input.issuedAt,
    exp: input.expiresAt,
  };
}

/** The impersonator principal named by verified claims; undefined when `act` is inconsistent. */
export function impersonatorOf(act: z.infer<typeof claimsSchema>['act']): Principal | undefined {
  if (act.type === 'service') return { type: 'service', id: act.id };
  return act.iamid ? { type: 'user', iamid: act.iamid, id: act.id } : undefined;
}
