import { randomUUID } from 'node:crypto';
import { auditId, userAuditId, type AuditInput } from '#shared/audit/record.ts';
import { actorOf, type Caller } from '#shared/auth/caller.ts';
import { idSchema, principalLabel, type UserRef } from '#shared/model/identity.ts';
import type { Metrics } from '#shared/log/metrics.ts';
import type { ImpersonateRequest, SessionRecord } from '#shared/model/impersonation.ts';
import type { ApiKeyRepository } from '#shared/store/api-keys.ts';
import type { AuditRepository } from '#shared/store/audit.ts';
import type { ImpersonationSettingsRepository } from '#shared/store/impersonation-settings.ts';
import type { SessionRepository } from '#shared/store/sessions.ts';
import { VersionMismatchError } from '#shared/store/errors.ts';
import { stampOf, uidOf } from '#shared/store/identity.ts';
import { nowIso } from '#shared/store/transact.ts';
import type { UserRepository } from '#shared/store/users.ts';
import { ImpersonationNotAllowedError, InvalidTargetError, SessionConflictError, TargetNotFoundError } from './errors.ts';
import { mayImpersonate } from './rule.ts';
import type { TokenSigner } from './signer.ts';
import { buildClaims, type Minter } from './tokens.ts';

/** What the session routes work with (the shared services hold each). */
export interface ImpersonationDeps {
  readonly users: UserRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly impersonationSettings: ImpersonationSettingsRepository;
  readonly sessions: SessionRepository;
  readonly signer: TokenSigner;
  readonly audit: AuditRepository;
  readonly metrics: Metrics;
  readonly now: () => number;
  /** `requireAllowList`: users need a place on the allow list besides the permission (`WARDEN_REQUIRE_ALLOW_LIST`). */
  readonly config: { readonly issuer: string; readonly requireAllowList: boolean };
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
const MAX_USERID_LENGTH = idSchema.maxLength ?? 256;
/** How much of an over-long userid the audit keeps. */
const AUDITED_USERID_LENGTH = 256;

/** At most `AUDITED_USERID_LENGTH` characters, cut between code points. */
const clip = (s: string) => (s.length <= AUDITED_USERID_LENGTH ? s : `${Array.from(s).slice(0, AUDITED_USERID_LENGTH).join('')}…`);

/** Audit fields of an impersonation step: `userId` = target, `impersonationUser` = impersonator. */
function identity(caller: Caller, target: UserRef, sessionId: string) {
  const actor = actorOf(caller);
  return { actor, userId: userAuditId({ ...target, userid: clip(target.userid) }), impersonationUser: auditId(actor), sessionId };
}

/** Applies Immuta's `{userid}` template (`{userid}@example.com`) to the requested id. */
export function applyTemplate(template: string | undefined, userid: string): string {
  return template ? template.replaceAll('{userid}', userid) : userid;
}

/** Why the (expanded) userid cannot name a user at all, if it cannot. */
function userIdProblem(userid: string): string | undefined {
  if (userid.length > MAX_USERID_LENGTH) return `\`useridTemplate\` expands to a userid of ${userid.length} characters: a userid has at most ${MAX_USERID_LENGTH}`;
  if (!idSchema.safeParse(userid).success) return '`useridTemplate` expands to an invalid userid: it must be printable and must not contain `#`';
  return undefined;
}

/**
 * Starts, refreshes or (lock off) switches the impersonation of the caller's session and mints a
 * token. Refusals are audited with their reason before the error is thrown.
 */
export async function impersonate(deps: ImpersonationDeps, caller: Caller, sessionId: string, request: ImpersonateRequest, requestId?: string): Promise<Minted> {
  const settings = await deps.impersonationSettings.current();
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
      payload: { reason, user: { iamid: target.iamid, userid: clip(target.userid) } },
      ...(requestId ? { requestId } : {}),
    });
    throw err;
  };
  // A user impersonator is judged on its profile as it is now, not as the key cache last saw it.
  const self = caller.principal.type === 'user' ? await deps.users.getProfile(caller.principal.iamid, caller.principal.id, true) : undefined;
  const rule = mayImpersonate({ ...caller, permissions: self ? new Set(self.permissions) : caller.permissions }, settings, deps.config.requireAllowList);
  if (!rule.allowed) return refuse('UNAUTHORIZED', rule.reason, new ImpersonationNotAllowedError(rule.reason));
  if (caller.via !== 'api-key' || !caller.keyId) return refuse('UNAUTHORIZED', 'only an api key can impersonate', new ImpersonationNotAllowedError('only an api key can impersonate'));
  if (caller.principal.type === 'user' && (!self?.active || uidOf(self) !== caller.uid)) {
    const gone = `\`${principalLabel(caller.principal)}\` may not impersonate: the user of this api key is inactive or no longer exists`;
    return refuse('UNAUTHORIZED', gone, new ImpersonationNotAllowedError(gone));
  }
  const minter: Minter = { principal: caller.principal, keyId: caller.keyId, ...(self ? { identity: { uid: uidOf(self), stamp: stampOf(self) } } : {}) };
  const problem = userIdProblem(target.userid);
  if (problem) return refuse('FAILURE', problem, new InvalidTargetError(problem));
  let current = deps.sessions.remembered(caller.principal, sessionId, Math.floor(deps.now() / 1000));
  // Whether `current` was read from the table by this request, rather than remembered.
  let fresh = false;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const nowS = Math.floor(deps.now() / 1000);
    const profile = await deps.users.getProfile(target.iamid, target.userid, true);
    if (!profile?.active) return refuse('FAILURE', profile ? 'inactive user' : 'unknown user', new TargetNotFoundError(target.iamid, target.userid));
    // A later user of the same userid does not inherit its predecessor's session: it starts anew.
    const inherited = current && current.impersonatorUid === minter.identity?.uid ? current : undefined;
    const sameUser = inherited?.user.iamid === target.iamid && inherited.user.userid === target.userid;
    if (inherited && !sameUser && settings.singleImpersonationPerSession) {
      // A remembered session is only a guess: refuse on what the table says.
      if (!fresh) {
        current = await deps.sessions.get(caller.principal, sessionId, nowS);
        fresh = true;
        continue;
      }
      const detail = `session \`${sessionId}\` already impersonates \`${inherited.user.userid}\`: \`singleImpersonationPerSession\` forbids switching`;
      return refuse('FAILURE', detail, new SessionConflictError(detail));
    }
    const jti = randomUUID();
    const expiresAt = nowS + settings.tokenTtlSeconds;
    const now = nowIso();
    const next: SessionRecord = {
      sessionId,
      user: target,
      impersonator: caller.principal,
      ...(minter.identity ? { impersonatorUid: minter.identity.uid } : {}),
      keyId: minter.keyId,
      gen: inherited && sameUser ? inherited.gen : randomUUID(),
      version: (current?.version ?? 0) + 1,
      createdAt: inherited?.createdAt ?? now,
      updatedAt: now,
      expiresAt: Math.max(inherited?.expiresAt ?? 0, expiresAt),
      lastJti: jti,
    };
    const event = !inherited ? 'start' : sameUser ? 'refresh' : 'switch';
    const audit: AuditInput = {
      ...identity(caller, target, sessionId),
      action: 'IMPERSONATE',
      actionStatus: 'SUCCESS',
      targetType: 'impersonationSession',
      targets: [sessionId],
      payload: { event, user: target, jti, expiresAt, keyId: minter.keyId, ...(event === 'switch' && inherited ? { previousUser: inherited.user } : {}) },
      ...(requestId ? { requestId } : {}),
    };
    const keyGone = `api key \`${minter.keyId}\` cannot impersonate: it was deleted, or issued before keys were bound to tokens (issue a new one)`;
    const changed = `\`${principalLabel(caller.principal)}\` may not impersonate: it changed while the token was minted`;
    try {
      // The target, the key and a user impersonator are checked in the same transaction: each is
      // still the identity the token names, active, with the same stamp.
      await deps.sessions.save(next, current, nowS, audit, [
        { item: deps.users.identityCheck(profile, { active: true }), error: () => new TargetNotFoundError(target.iamid, target.userid) },
        { item: deps.apiKeys.inUse(minter.keyId), error: () => new ImpersonationNotAllowedError(keyGone) },
        // One transaction may not touch an item twice: a user impersonating itself is checked once, as the target.
        ...(self && !(self.iamid === target.iamid && self.userid === target.userid)
          ? [{ item: deps.users.identityCheck(self, { active: true }), error: () => new ImpersonationNotAllowedError(changed) }]
          : []),
      ]);
    } catch (err) {
      if (err instanceof ImpersonationNotAllowedError) return refuse('UNAUTHORIZED', err.message, err);
      // The target changed between the read and the write: read it again.
      if (err instanceof TargetNotFoundError) continue;
      if (!(err instanceof VersionMismatchError)) throw err;
      current = await deps.sessions.get(caller.principal, sessionId, nowS);
      fresh = true;
      continue;
    }
    const user = { ...target, uid: uidOf(profile), stamp: stampOf(profile) };
    const claims = buildClaims({ issuer: deps.config.issuer, user, minter, sessionId, gen: next.gen, jti, issuedAt: nowS, expiresAt });
    const token = await deps.signer.sign(claims);
    deps.metrics.count('TokensMinted');
    return { session: next, token, expiresAt };
  }
  throw new VersionMismatchError(`impersonation session \`${sessionId}\` is changing concurrently; retry`);
}
