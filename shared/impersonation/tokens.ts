import * as z from 'zod';
import { type UserIdentity } from '#shared/auth/caller.ts';
import { type Principal, principalLabel, type UserRef } from '#shared/model/identity.ts';

/**
 * The claims of an impersonation token (CONTRACT.md), extended so the verifier can tell whether
 * everything the token rests on still stands: the target's identity (`uid`, `stamp`), and in
 * `act` the impersonator, its identity when a user, and the id of the API key that minted it.
 */
export interface ImpersonationClaims {
  readonly iss: string;
  readonly aud: string;
  /** The impersonated user's id; `iamid` names its IAM. */
  readonly sub: string;
  readonly iamid: string;
  /** The target's uid and deactivation stamp when the token was minted. */
  readonly uid: string;
  readonly stamp: string;
  /** RFC 8693 actor: `sub` is the impersonator's label (`service:bi-tool`, `user:okta/edixon`). */
  readonly act: {
    readonly sub: string;
    readonly type: Principal['type'];
    readonly id: string;
    readonly iamid?: string;
    readonly uid?: string;
    readonly stamp?: string;
    /** The id of the API key the token was minted with. */
    readonly key: string;
  };
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
  uid: z.string().min(1),
  stamp: z.string().min(1),
  act: z.object({
    sub: z.string(),
    type: z.enum(['user', 'service']),
    id: z.string().min(1),
    iamid: z.string().min(1).optional(),
    uid: z.string().min(1).optional(),
    stamp: z.string().min(1).optional(),
    key: z.string().min(1),
  }),
  sid: z.string().min(1),
  gen: z.string().min(1),
  jti: z.string().min(1),
  exp: z.number(),
});
/** Claims as verification accepted them. */
export type VerifiedClaims = z.infer<typeof claimsSchema>;

/** Who minted a token: the principal, its identity when a user, and the key it used. */
export interface Minter {
  readonly principal: Principal;
  readonly identity?: UserIdentity;
  readonly keyId: string;
}

/** The claims of a token for `user`, minted by `minter` in session `sid`. */
export function buildClaims(input: {
  issuer: string;
  user: UserRef & UserIdentity;
  minter: Minter;
  sessionId: string;
  gen: string;
  jti: string;
  issuedAt: number;
  expiresAt: number;
}): ImpersonationClaims {
  const { principal: p, identity, keyId } = input.minter;
  return {
    iss: input.issuer,
    aud: input.issuer,
    sub: input.user.userid,
    iamid: input.user.iamid,
    uid: input.user.uid,
    stamp: input.user.stamp,
    act: { sub: principalLabel(p), type: p.type, id: p.id, ...(p.type === 'user' ? { iamid: p.iamid, ...identity } : {}), key: keyId },
    sid: input.sessionId,
    gen: input.gen,
    jti: input.jti,
    iat: input.issuedAt,
    exp: input.expiresAt,
  };
}

/**
 * The minter named by verified claims; undefined when `act` contradicts itself (its `sub` is
 * not the label of its type and ids, or a user comes without its identity).
 */
export function minterOf(act: VerifiedClaims['act']): Minter | undefined {
  const principal: Principal | undefined =
    act.type === 'service' ? { type: 'service', id: act.id } : act.iamid ? { type: 'user', iamid: act.iamid, id: act.id } : undefined;
  if (!principal || principalLabel(principal) !== act.sub) return undefined;
  if (principal.type === 'service') return { principal, keyId: act.key };
  return act.uid && act.stamp ? { principal, identity: { uid: act.uid, stamp: act.stamp }, keyId: act.key } : undefined;
}
