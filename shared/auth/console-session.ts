import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { AuditInput } from '#shared/audit/record.ts';
import type { ConsoleSessionRecord, ConsoleSessionRepository } from '#shared/store/console-sessions.ts';
import type { Authenticator } from './authenticate.ts';
import type { Caller } from './caller.ts';
import { AuthenticationError } from './errors.ts';
import { newSecret, sha256Hex } from './secrets.ts';

/** The cookie that carries a console session's secret. */
export const SESSION_COOKIE = 'warden_session';

/** The header a console page sends its CSRF token in, on every request that changes something. */
export const CSRF_HEADER = 'x-csrf-token';

const SECRET = /^wcs_[A-Za-z0-9_-]{43}$/;

/**
 * The CSRF token of a session: an HMAC of a fixed label under the cookie secret. It is never
 * stored, a page reads it from `GET /v1/console/session`, which another origin cannot read, and
 * nobody without the (HttpOnly) cookie can compute it.
 */
export function csrfTokenOf(secret: string): string {
  return createHmac('sha256', secret).update('warden console csrf').digest('base64url');
}

/** Whether `presented` is the session's CSRF token, compared in constant time. */
export function csrfHolds(secret: string, presented: string | undefined): boolean {
  if (!presented) return false;
  const expected = Buffer.from(csrfTokenOf(secret));
  const given = Buffer.from(presented);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** A session as it starts: the secret goes into the cookie and nowhere else. */
export interface StartedSession {
  readonly secret: string;
  readonly csrfToken: string;
  readonly record: ConsoleSessionRecord;
}

/** A request's live session and the caller it acts as. */
export interface ResolvedSession {
  readonly caller: Caller;
  readonly record: ConsoleSessionRecord;
}

/** Sign-in sessions of the console: an API key exchanged once for a short-lived, revocable cookie. */
export class ConsoleSessions {
  constructor(
    private readonly store: ConsoleSessionRepository,
    private readonly authenticator: Authenticator,
    private readonly ttlSeconds: number,
    private readonly now: () => number,
  ) {}

  /** Starts a session for the caller of the API key whose hash this is; audited with the session's id. */
  async start(caller: Caller, keyHash: string, audit: (record: ConsoleSessionRecord) => AuditInput): Promise<StartedSession> {
    const secret = newSecret('wcs');
    const nowMs = this.now();
    const record: ConsoleSessionRecord = {
      id: randomUUID(),
      principal: caller.principal,
      keyHash,
      createdAt: new Date(nowMs).toISOString(),
      expiresAt: Math.floor(nowMs / 1000) + this.ttlSeconds,
    };
    await this.store.create(sha256Hex(secret), record, audit(record));
    return { secret, csrfToken: csrfTokenOf(secret), record };
  }

  /**
   * The session of a cookie secret and its caller, judged as its API key would be now: an
   * unknown, ended or expired session, a deleted key or an inactive user is an `AuthenticationError`.
   */
  async resolve(secret: string): Promise<ResolvedSession> {
    if (!SECRET.test(secret)) throw new AuthenticationError('invalid console session');
    const record = await this.store.get(sha256Hex(secret), Math.floor(this.now() / 1000));
    if (!record) throw new AuthenticationError('the console session has ended or expired: sign in again');
    const caller = await this.authenticator.apiKeyHash(record.keyHash);
    return { caller: { ...caller, consoleSession: { id: record.id, expiresAt: record.expiresAt } }, record };
  }

  /** Ends the session of a cookie secret (sign out); audited. */
  async end(secret: string, audit: AuditInput): Promise<void> {
    await this.store.end(sha256Hex(secret), audit);
  }
}
