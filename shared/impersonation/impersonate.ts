import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { auditId, userAuditId, type AuditInput } from '#shared/audit/record.ts';
import type { AuditWriter } from '#shared/audit/writer.ts';
import { actorOf, principalActor, principalLabel, type Caller } from '#shared/auth/caller.ts';
import { iamIdSchema, idSchema, type Principal, type UserRef } from '#shared/model/identity.ts';
import { VersionMismatchError } from '#shared/store/errors.ts';
import { nowIso } from '#shared/store/transact.ts';
import type { UserRepository } from '#shared/store/users.ts';
import { ImpersonationNotAllowedError, SessionConflictError, SessionNotFoundError, SessionOwnedError, TargetNotFoundError } from './errors.ts';
import type { SessionRecord, SessionStore } from './sessions.ts';
import { isAllowListed } from './settings.ts';
import type { SettingsStore } from './settings-store.ts';
import type { TokenSigner } from './signer.ts';
import { buildClaims } from './tokens.ts';

/** The body of `PUT /v1/impersonation/sessions/{sessionId}`. */
export const impersonateBodySchema = z.strictObject({
  userid: idSchema,
  iamid: iamIdSchema.optional(),
  useridTemplate: z.string().min(1).max(256).includes('{userid}', { message: 'must contain `{userid}`' }).optional(),
});
export type ImpersonateRequest = z.infer<typeof impersonateBodySchema>;

/** What the session routes work with. */
export interface ImpersonationDeps {
  readonly issuer: string;
  readonly users: UserRepository;
  readonly settings: SettingsStore;
  readonly sessions: SessionStore;
  readonly signer: TokenSigner;
  readonly audit: AuditWriter;
  readonly now: () => number;
}

/** A minted token and the session state it belongs to. */
export interface Minted {
  readonly session: SessionRecord;
  readonly token: string;
  /** Epoch seconds. */
  readonly expiresAt: number;
}

/** Concurrent writers retry this often before giving up with 409. */
const MAX_ATTEMPTS = 4;

const samePrincipal = (a: Principal, b: Principal) =>
  a.type === b.type && a.id === b.id && (a.type === 'service' || (b.type === 'user' && a.iamid === b.iamid));

/** Audit fields of an impersonation step: `userId` = target, `impersonationUser` = impersonator. */
function identity(caller: Caller, target: UserRef, sessionId: string) {
  const actor = actorOf(caller);
  return { actor, userId: userAuditId(target), impersonationUser: auditId(actor), sessionId };
}

/** Applies Immuta's `{userid}` template (`{userid}@example.com`) to the requested id. */
export function applyTemplate(template: string | undefined, userid: string): string {
  return template ? template.replaceAll('{userid}', userid) : userid;
}

/**
 * Starts, refreshes or (lock off) switches the impersonation of a session and mints a token.
 * Refusals are audited with their reason before the error is thrown.
 */
export async function impersonate(deps: ImpersonationDeps, caller: Caller, sessionId: string, request: ImpersonateRequest, requestId?: string): Promise<Minted> {
  const settings = await deps.settings.current();
  const target: UserRef = {
    iamid: request.iamid ?? settings.userMappingIamid,
    userid: applyTemplate(request.useridTemplate, request.userid),
  };
  const refuse = async (status: 'UNAUTHORIZED' | 'FAILURE', reason: string, err: Error): Promise<never> => {
    await deps.audit.write({
      ...identity(caller, target, sessionId),
      action: 'IMPERSONATE',
      actionStatus: status,
      targetType: 'impersonationSession',
      targets: [sessionId],
      payload: { reason, user: target },
      ...(requestId ? { requestId } : {}),
    });
    throw err;
  };
  if (caller.impersonation) {
    await refuse('UNAUTHORIZED', 'an impersonation token cannot mint tokens', new ImpersonationNotAllowedError('an impersonation token cannot mint tokens'));
  }
  if (!isAllowListed(settings, caller.principal) && !caller.permissions.has('IMPERSONATE_USER')) {
    const detail = `\`${principalLabel(caller.principal)}\` may not impersonate: not in \`allowedImpersonators\` and without permission \`IMPERSONATE_USER\``;
    await refuse('UNAUTHORIZED', detail, new ImpersonationNotAllowedError(detail));
  }
  if (!idSchema.safeParse(target.userid).success) await refuse('FAILURE', 'unknown user', new TargetNotFoundError(target.iamid, target.userid));
  let current = deps.sessions.remembered(sessionId, Math.floor(deps.now() / 1000));
  // Whether `current` was read from the table by this request, rather than remembered.
  let fresh = false;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const nowS = Math.floor(deps.now() / 1000);
    const owned = !current || samePrincipal(current.impersonator, caller.principal);
    const sameUser = current?.user.iamid === target.iamid && current.user.userid === target.userid;
    const locked = current !== undefined && !sameUser && settings.singleImpersonationPerSession;
    if (!owned || locked) {
      // A remembered session is only a guess: refuse on what the table says.
      if (!fresh) {
        current = await deps.sessions.get(sessionId, nowS);
        fresh = true;
        continue;
      }
      if (!owned) await refuse('UNAUTHORIZED', 'session belongs to another impersonator', new SessionOwnedError(sessionId));
      const detail = `session \`${sessionId}\` already impersonates \`${current!.user.userid}\`: \`singleImpersonationPerSession\` forbids switching`;
      await refuse('FAILURE', detail, new SessionConflictError(detail));
    }
    const jti = randomUUID();
    const expiresAt = nowS + settings.tokenTtlSeconds;
    const now = nowIso();
    const next: SessionRecord = {
      sessionId,
      user: target,
      impersonator: caller.principal,
      gen: current && sameUser ? current.gen : randomUUID(),
      version: (current?.version ?? 0) + 1,
      createdAt: current?.createdAt ?? now,
      updatedAt: now,
      expiresAt: Math.max(current?.expiresAt ?? 0, expiresAt),
      lastJti: jti,
    };
    const event = !current ? 'start' : sameUser ? 'refresh' : 'switch';
    const audit: AuditInput = {
      ...identity(caller, target, sessionId),
      action: 'IMPERSONATE',
      actionStatus: 'SUCCESS',
      targetType: 'impersonationSession',
      targets: [sessionId],
      payload: { event, user: target, jti, expiresAt, ...(event === 'switch' && current ? { previousUser: current.user } : {}) },
      ...(requestId ? { requestId } : {}),
    };
    try {
      await deps.sessions.save(next, current, nowS, audit);
    } catch (err) {
      if (err instanceof TargetNotFoundError) {
        const profile = await deps.users.getProfile(target.iamid, target.userid);
        await refuse('FAILURE', profile ? 'inactive user' : 'unknown user', err);
      }
      if (!(err instanceof VersionMismatchError)) throw err;
      current = await deps.sessions.get(sessionId, nowS);
      fresh = true;
      continue;
    }
    const claims = buildClaims({ issuer: deps.issuer, user: target, impersonator: caller.principal, sessionId, gen: next.gen, jti, issuedAt: nowS, expiresAt });
    return { session: next, token: await deps.signer.sign(claims), expiresAt };
  }
  throw new VersionMismatchError(`impersonation session \`${sessionId}\` is changing concurrently; retry`);
}

/** The session as its owner (or a `USER_ADMIN`) may see it. */
export async function readSession(deps: ImpersonationDeps, caller: Caller, sessionId: string): Promise<SessionRecord> {
  const session = await deps.sessions.get(sessionId, Math.floor(deps.now() / 1000));
  if (!session) throw new SessionNotFoundError(sessionId);
  if (!samePrincipal(session.impersonator, caller.principal) && !caller.permissions.has('USER_ADMIN')) throw new SessionOwnedError(sessionId);
  return session;
}

/** Ends a session (its owner, or a `USER_ADMIN` as a kill switch): every token of it stops working. */
export async function endSession(deps: ImpersonationDeps, caller: Caller, sessionId: string, requestId?: string): Promise<void> {
  const session = await readSession(deps, caller, sessionId);
  await deps.sessions.end(session, Math.floor(deps.now() / 1000), {
    actor: actorOf(caller),
    userId: userAuditId(session.user),
    impersonationUser: auditId(principalActor(session.impersonator)),
    sessionId,
    action: 'DELETE',
    actionStatus: 'SUCCESS',
    targetType: 'impersonationSession',
    targets: [sessionId],
    payload: { event: 'end', user: session.user, impersonator: session.impersonator },
    ...(requestId ? { requestId } : {}),
  });
}
