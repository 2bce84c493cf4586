import { auditId, type Actor, type AuditId } from '#shared/audit/record.ts';
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
  /** A user caller's uid: the identity its API key was issued for (a later user of the userid is another). */
  readonly uid?: string;
  readonly impersonation?: Impersonation;
  /** The console session the request came through, when it carried the session cookie: its public id and end (epoch seconds). */
  readonly consoleSession?: { readonly id: string; readonly expiresAt: number };
}

/** One incarnation of a user: its immutable uid and its deactivation stamp at some moment. */
export interface UserIdentity {
  readonly uid: string;
  readonly stamp: string;
}

/** The audit actor of a principal. */
export function principalActor(p: Principal): Actor {
  return p.type === 'user' ? { type: 'user', iamid: p.iamid, id: p.id } : { type: 'service', id: p.id };
}

/**
 * The audit actor of a caller: the real initiator, i.e. the impersonator when impersonating.
 * The bootstrap key is an actor type of its own, never the service account it is modelled as
 * (`admin`), which an ordinary service key could be named too.
 */
export function actorOf(caller: Caller | undefined): Actor {
  if (!caller) return { type: 'anonymous', id: 'anonymous' };
  if (caller.impersonation) return principalActor(caller.impersonation.impersonator);
  if (caller.via === 'bootstrap') return { type: 'bootstrap', id: 'admin' };
  return principalActor(caller.principal);
}

/** Audit fields naming who acted for whom (`userId` = target, `impersonationUser` = impersonator), qualified. */
export function auditIdentity(caller: Caller | undefined): { actor: Actor; userId: AuditId; impersonationUser?: AuditId; sessionId?: string } {
  const actor = actorOf(caller);
  if (caller?.impersonation) {
    return {
      actor,
      userId: auditId(principalActor(caller.principal)),
      impersonationUser: auditId(actor),
      sessionId: caller.impersonation.sessionId,
    };
  }
  return { actor, userId: auditId(actor) };
}
