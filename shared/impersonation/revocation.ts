import { type Permission, principalLabel } from '#shared/model/identity.ts';
import type { ImpersonationSettings } from '#shared/model/impersonation.ts';
import { stampOf, uidOf } from '#shared/store/identity.ts';
import type { TokenState, TokenStateRepository } from '#shared/store/token-state.ts';
import { mayImpersonate } from './rule.ts';
import type { Minter, VerifiedClaims } from './tokens.ts';

/** Every reason a token whose signature checked out is refused. */
export type RevocationReason =
  | 'session ended'
  | 'unknown session'
  | 'impersonator mismatch'
  | 'session switched to another user'
  | 'user deleted'
  | 'user recreated'
  | 'user deactivated'
  | 'impersonator deleted'
  | 'impersonator recreated'
  | 'impersonator deactivated'
  | 'impersonator key deleted'
  | 'impersonator left the allow list'
  | 'impersonator lost IMPERSONATE_USER';

/** The revocation check's answer: a token is accepted only on a positive `valid`. */
export type Verdict = { readonly valid: true } | { readonly valid: false; readonly reason: RevocationReason };

/** What the impersonation rule needs beyond the stored settings: the deployment's part. */
export interface RevocationRules {
  /** The settings in force while none are stored (the deployment defaults). */
  readonly defaults: ImpersonationSettings;
  readonly requireAllowList: boolean;
}

const NONE: ReadonlySet<Permission> = new Set();
const refused = (reason: RevocationReason): Verdict => ({ valid: false, reason });

/**
 * Judges a token on what the read found: valid only when its session stands at its generation
 * for its user, under the impersonator `act` names, the target is the same active identity, and
 * the impersonator still may impersonate (same active identity, key not deleted, the rule holds).
 */
export function judge(claims: VerifiedClaims, minter: Minter, found: TokenState, rules: RevocationRules): Verdict {
  if (found.ended && found.ended.gen === claims.gen) return refused('session ended');
  const session = found.session;
  if (!session) return refused('unknown session');
  if (principalLabel(session.impersonator) !== claims.act.sub || session.impersonatorUid !== minter.identity?.uid) return refused('impersonator mismatch');
  if (session.gen !== claims.gen || session.user.userid !== claims.sub || session.user.iamid !== claims.iamid) return refused('session switched to another user');
  const target = found.target;
  if (!target) return refused('user deleted');
  if (uidOf(target) !== claims.uid) return refused('user recreated');
  if (!target.active || stampOf(target) !== claims.stamp) return refused('user deactivated');
  let permissions = NONE;
  if (minter.principal.type === 'user') {
    const user = found.impersonator;
    if (!user) return refused('impersonator deleted');
    if (uidOf(user) !== minter.identity?.uid) return refused('impersonator recreated');
    if (!user.active || stampOf(user) !== minter.identity.stamp) return refused('impersonator deactivated');
    permissions = new Set(user.permissions);
  }
  if (!found.keyRef || principalLabel(found.keyRef.principal) !== claims.act.sub) return refused('impersonator key deleted');
  const rule = mayImpersonate({ principal: minter.principal, via: 'api-key', permissions }, found.settings ?? rules.defaults, rules.requireAllowList);
  if (!rule.allowed) return refused(rule.code === 'no-permission' ? 'impersonator lost IMPERSONATE_USER' : 'impersonator left the allow list');
  return { valid: true };
}

/**
 * The verdict on a token: one read of everything it rests on (see `TokenStateRepository`),
 * then `judge` decides.
 */
export async function verdictOf(state: TokenStateRepository, claims: VerifiedClaims, minter: Minter, rules: RevocationRules): Promise<Verdict> {
  const p = minter.principal;
  const found = await state.read({
    label: claims.act.sub,
    sessionId: claims.sid,
    target: { iamid: claims.iamid, userid: claims.sub },
    ...(p.type === 'user' ? { impersonator: { iamid: p.iamid, userid: p.id } } : {}),
    keyId: minter.keyId,
  });
  return judge(claims, minter, found, rules);
}
