import { type Caller } from '#shared/auth/caller.ts';
import { type Permission, type Principal, principalLabel } from '#shared/model/identity.ts';
import type { ImpersonationSettings } from '#shared/model/impersonation.ts';
import { isAllowListed } from './settings.ts';

/** Who asks to impersonate, as the rule sees it. */
export interface Impersonator {
  readonly principal: Principal;
  readonly via: Caller['via'];
  /** A user's current permissions; a service principal's play no part. */
  readonly permissions: ReadonlySet<Permission>;
}

/** Why the rule refuses, for callers that name the refusal (the verifier's revocation reasons). */
export type RefusalCode = 'bootstrap' | 'impersonation-token' | 'not-allow-listed' | 'no-permission';

/** The rule's answer: allowed, or refused with a code and a message for the caller and the audit. */
export type ImpersonationVerdict = { readonly allowed: true } | { readonly allowed: false; readonly code: RefusalCode; readonly reason: string };

const refuse = (code: RefusalCode, reason: string): ImpersonationVerdict => ({ allowed: false, code, reason });

/**
 * The one impersonation rule, used where tokens are minted, where they are verified and by every
 * other entry point that impersonates: a user needs `IMPERSONATE_USER` (and, when `requireAllowList`,
 * a place in `allowedImpersonators`); a service principal needs a place in `allowedImpersonators`,
 * whatever its permissions (as Databricks); the bootstrap admin and impersonation tokens never impersonate.
 */
export function mayImpersonate(who: Impersonator, settings: Pick<ImpersonationSettings, 'allowedImpersonators'>, requireAllowList: boolean): ImpersonationVerdict {
  if (who.via === 'bootstrap') return refuse('bootstrap', 'the bootstrap admin key cannot impersonate: create an api key for the impersonator');
  if (who.via === 'impersonation') return refuse('impersonation-token', 'an impersonation token cannot mint tokens');
  const label = `\`${principalLabel(who.principal)}\``;
  const listed = isAllowListed(settings, who.principal);
  if (who.principal.type === 'service') {
    return listed ? { allowed: true } : refuse('not-allow-listed', `${label} may not impersonate: a service principal must be in \`allowedImpersonators\``);
  }
  if (!who.permissions.has('IMPERSONATE_USER')) return refuse('no-permission', `${label} may not impersonate: requires permission \`IMPERSONATE_USER\``);
  if (requireAllowList && !listed) {
    return refuse('not-allow-listed', `${label} may not impersonate: not in \`allowedImpersonators\`, which \`WARDEN_REQUIRE_ALLOW_LIST\` requires of users`);
  }
  return { allowed: true };
}
