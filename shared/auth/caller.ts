import type { Actor } from '#shared/audit/record.ts';
import type { Permission, Principal } from '#shared/model/identity.ts';

/** An impersonation in force: who acts for the caller, through which session and token. */
export interface Impersonation {
  readonly impersonator: Principal;
  readonly sessionId: string;
  readonly jti: string;
  /** Token expiry, epoch seconds. */
  readonly expiresAt: number;
}

/** The authenticated caller of a request. */
export interface Caller {
  /** The principal acted as: under impersonation, the impersonated user. */
  readonly principal: Principal;
  readonly permissions: ReadonlySet<Permission>;
  readonly via: 'api-key' | 'bootstrap' | 'impersonation';
  readonly keyId?: string;
  readonly impersonation?: Impersonation;
}

/** Stable text form of a principal: `service:bi-tool`, `user:okta/jdoe`. */
export function principalLabel(p: Principal): string {
  return p.type === 'user' ? `user:${p.iamid}/${p.id}` : `service:${p.id}`;
}

/** The audit actor of a caller: the real initiator, i.e. the impersonator when impersonating. */
export function actorOf(caller: Caller | undefined): Actor {
  if (!caller) return { type: 'anonymous', id: 'anonymous' };
  const p = caller.impersonation?.impersonator ?? caller.principal;
  return p.type === 'user' ? { type: 'user', id: p.id, iamid: p.iamid } : { type: 'service', id: p.id };
}

/** Audit fields naming who acted for whom (`userId` = target, `impersonationUser` = impersonator). */
export function auditIdentity(caller: Caller | undefined): { actor: Actor; userId: string; impersonationUser?: string; sessionId?: string } {
  const actor = actorOf(caller);
  if (!caller) return { actor, userId: actor.id };
  if (caller.impersonation) {
    return {
      actor,
      userId: caller.principal.id,
      impersonationUser: caller.impersonation.impersonator.id,
      sessionId: caller.impersonation.sessionId,
    };
  }
  return { actor, userId: caller.principal.id };
}
