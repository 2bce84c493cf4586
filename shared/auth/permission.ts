import { principalLabel, type Permission, type Principal, type UserRef } from '#shared/model/identity.ts';
import type { Caller } from './caller.ts';
import { PermissionError } from './errors.ts';

/** Permissions of which a caller must hold one: never none, or nobody could pass. */
export type Permissions = readonly [Permission, ...Permission[]];

/** Whom an action is for: a principal, or a user by `(iamid, userid)`. */
export type Subject = Principal | UserRef;

/** The principal a subject names. */
export const subjectPrincipal = (s: Subject): Principal => ('userid' in s ? { type: 'user', iamid: s.iamid, id: s.userid } : s);

/** ``requires permission `A` or `B` ``: what a refusal says the caller lacks. */
export function permissionsText(anyOf: readonly Permission[]): string {
  return `requires permission ${anyOf.map((p) => `\`${p}\``).join(' or ')}`;
}

/**
 * The one authorization helper: fails with a `PermissionError` (403) unless the caller is `self`
 * itself (when given; under impersonation the impersonated user) or holds one of `anyOf`.
 * `refusal` replaces the default message, which names the permissions.
 */
export function requireSelfOr(caller: Caller, self: Subject | undefined, anyOf: Permissions, refusal?: string): void {
  const principal = self && subjectPrincipal(self);
  if (principal && principalLabel(principal) === principalLabel(caller.principal)) return;
  if (anyOf.some((p) => caller.permissions.has(p))) return;
  const lacking = permissionsText(anyOf);
  throw new PermissionError(refusal ?? (principal ? `${lacking}, or to be the ${principal.type}` : lacking));
}
