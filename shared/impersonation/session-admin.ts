import { auditId, userAuditId } from '#shared/audit/record.ts';
import { actorOf, principalActor, type Caller } from '#shared/auth/caller.ts';
import type { Principal, UserRef } from '#shared/model/identity.ts';
import { VersionMismatchError } from '#shared/store/errors.ts';
import { SessionNotFoundError } from './errors.ts';
import type { ImpersonationDeps } from './impersonate.ts';
import type { SessionRecord } from '#shared/model/impersonation.ts';

/** How many sessions a bulk end works on at once. */
const END_CONCURRENCY = 8;
/** A session refreshed while it is being ended is read again this often. */
const END_ATTEMPTS = 3;

const seconds = (deps: ImpersonationDeps) => Math.floor(deps.now() / 1000);

/**
 * Whose sessions a request addresses: the named impersonator's, else the caller's own. Only the
 * impersonator itself or a `USER_ADMIN` may name one: the sessions routes declare that guard
 * (`shared/http/routes/impersonation.ts`), refusing anyone else whether or not it has sessions.
 */
const ownerFor = (caller: Caller, impersonator: Principal | undefined): Principal => impersonator ?? caller.principal;

/**
 * Whether the caller may see the session: a `USER_ADMIN` any, others their own, and not one left
 * by an earlier user of the same userid (a user impersonator's sessions carry its uid).
 */
const visible = (caller: Caller, session: SessionRecord) => caller.permissions.has('USER_ADMIN') || session.impersonatorUid === caller.uid;

/** A live session of its impersonator (the caller, or the one a `USER_ADMIN` names): another's id is not found. */
export async function readSession(deps: ImpersonationDeps, caller: Caller, sessionId: string, impersonator?: Principal): Promise<SessionRecord> {
  const session = await deps.sessions.get(ownerFor(caller, impersonator), sessionId, seconds(deps));
  if (!session || !visible(caller, session)) throw new SessionNotFoundError(sessionId);
  return session;
}

function endAudit(caller: Caller, session: SessionRecord, requestId: string | undefined, bulk: boolean) {
  return {
    actor: actorOf(caller),
    userId: userAuditId(session.user),
    impersonationUser: auditId(principalActor(session.impersonator)),
    sessionId: session.sessionId,
    action: 'DELETE',
    actionStatus: 'SUCCESS',
    targetType: 'impersonationSession',
    targets: [session.sessionId],
    payload: { event: 'end', user: session.user, impersonator: session.impersonator, ...(bulk ? { bulk: true } : {}) },
    ...(requestId ? { requestId } : {}),
  } as const;
}

/** Ends a session (its owner, or a `USER_ADMIN` as a kill switch): every token of it stops working. */
export async function endSession(deps: ImpersonationDeps, caller: Caller, sessionId: string, impersonator?: Principal, requestId?: string): Promise<void> {
  const session = await readSession(deps, caller, sessionId, impersonator);
  await deps.sessions.end(session, seconds(deps), endAudit(caller, session, requestId, false));
}

/** Ends one session of a bulk end, reading it again when it was refreshed meanwhile; false when it is gone. */
async function endLatest(deps: ImpersonationDeps, caller: Caller, first: SessionRecord, requestId: string | undefined): Promise<boolean> {
  let session: SessionRecord | undefined = first;
  for (let attempt = 0; session && attempt < END_ATTEMPTS; attempt++) {
    try {
      await deps.sessions.end(session, seconds(deps), endAudit(caller, session, requestId, true));
      return true;
    } catch (err) {
      if (!(err instanceof VersionMismatchError)) throw err;
      session = await deps.sessions.get(session.impersonator, session.sessionId, seconds(deps));
    }
  }
  if (session) throw new VersionMismatchError(`impersonation session \`${session.sessionId}\` is changing concurrently; retry`);
  return false;
}

/**
 * Ends every live session of an impersonator (itself, or any with `USER_ADMIN`), each end audited:
 * every token it minted stops working. Returns how many sessions were ended.
 */
export async function endSessionsOf(deps: ImpersonationDeps, caller: Caller, impersonator: Principal, requestId?: string): Promise<number> {
  const sessions = (await deps.sessions.allOf(ownerFor(caller, impersonator), seconds(deps))).filter((x) => visible(caller, x));
  let next = 0;
  let ended = 0;
  await Promise.all(
    Array.from({ length: Math.min(END_CONCURRENCY, sessions.length) }, async () => {
      while (next < sessions.length) {
        if (await endLatest(deps, caller, sessions[next++]!, requestId)) ended++;
      }
    }),
  );
  return ended;
}

/** What a listing may filter on. */
export interface SessionFilter {
  readonly impersonator?: Principal;
  readonly target?: UserRef;
  readonly limit: number;
  readonly cursor: string | null;
}

/** A page of live sessions: all of them for a `USER_ADMIN` (filterable), else only the caller's own. */
export async function listSessions(deps: ImpersonationDeps, caller: Caller, filter: SessionFilter) {
  const admin = caller.permissions.has('USER_ADMIN');
  const impersonator = admin ? filter.impersonator : ownerFor(caller, filter.impersonator);
  const page = await deps.sessions.page({ ...filter, impersonator, nowSeconds: seconds(deps) });
  return { ...page, sessions: page.sessions.filter((x) => visible(caller, x)) };
}
