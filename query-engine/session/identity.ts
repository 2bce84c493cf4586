import { randomUUID } from 'node:crypto';
import { AuthenticationError } from '#shared/auth/errors.ts';
import type { Caller } from '#shared/auth/caller.ts';
import { impersonate, type ImpersonationDeps } from '#shared/impersonation/impersonate.ts';
import { endSession } from '#shared/impersonation/session-admin.ts';
import { SessionConflictError } from '#shared/impersonation/errors.ts';
import type { UserRef } from '#shared/model/identity.ts';
import type { ImpersonationVerifier } from '#shared/auth/authenticate.ts';
import { ImpersonationRevokedError } from '../errors.ts';
import type { WardenSetting } from '../sql/statements.ts';

/** What a connection's identity needs: the impersonation API's collaborators and the token verifier. */
export type IdentityDeps = ImpersonationDeps & { readonly impersonation: ImpersonationVerifier };

/** A token is minted again once less than this share of its life is left. */
const REFRESH_SHARE = 0.5;

interface Active {
  readonly user: UserRef;
  readonly gen: string;
  token: string;
  issuedAt: number;
  expiresAt: number;
}

/**
 * Who a connection acts as: its login principal, or the one user it impersonates (seed 000: at
 * most one per connection; seed 001: `NULL` returns to the login principal, for good). Each
 * impersonation is a Warden impersonation session with the API's rules and audit; every query
 * asks for the effective caller, which verifies the session's token, so a session revoked
 * through the API stops the connection's next query.
 */
export class ConnectionIdentity {
  /** The session id of this connection's impersonation (one per connection). */
  readonly sessionId = `query-engine-${randomUUID()}`;
  private pending: { iamid?: string; userid?: string; userid_template?: string } = {};
  private active: Active | undefined;
  private ended = false;

  constructor(
    private readonly deps: IdentityDeps,
    readonly login: Caller,
  ) {}

  /** True while the connection impersonates a user. */
  get impersonating(): boolean {
    return this.active !== undefined;
  }

  /** `SET warden.impersonation_…`: the userid starts the impersonation; `null` (RESET, '') on the userid ends it. */
  async set(setting: WardenSetting, value: string | null): Promise<void> {
    if (setting === 'userid') {
      if (value === null) return this.active ? this.end() : void delete this.pending.userid;
      return this.impersonate(value);
    }
    if (this.active) {
      if ((this.pending[setting] ?? null) === value) return;
      throw new SessionConflictError(`\`warden.impersonation_${setting}\` cannot change while impersonating \`${this.active.user.userid}\`: close the connection to impersonate another user`);
    }
    if (value === null) delete this.pending[setting];
    else this.pending[setting] = value;
  }

  /** Starts impersonating `userid` (with the pending IAM and template); the same user again changes nothing. */
  async impersonate(userid: string): Promise<void> {
    if (this.ended) throw new SessionConflictError('this connection already ended its impersonation: it cannot impersonate again');
    if (this.active) {
      if (this.pending.userid === userid) return;
      throw new SessionConflictError(`this connection already impersonates \`${this.active.user.userid}\`: at most one impersonation per connection`);
    }
    const request = { userid, ...(this.pending.iamid ? { iamid: this.pending.iamid } : {}), ...(this.pending.userid_template ? { useridTemplate: this.pending.userid_template } : {}) };
    const minted = await impersonate(this.deps, this.login, this.sessionId, request);
    this.pending.userid = userid;
    this.active = { user: minted.session.user, gen: minted.session.gen, token: minted.token, issuedAt: this.deps.now() / 1000, expiresAt: minted.expiresAt };
  }

  /** `CALL warden.impersonate_user(NULL)`: ends the impersonation (audited); the connection is its login principal again, for good. */
  async end(): Promise<void> {
    if (!this.active) {
      if (this.ended) return;
      throw new SessionConflictError('this connection is not impersonating anyone');
    }
    this.active = undefined;
    this.ended = true;
    await endSession(this.deps, this.login, this.sessionId).catch((err: unknown) => {
      // Ended elsewhere already (revoked through the API): nothing is left to end.
      if (!(err instanceof Error && err.name === 'SessionNotFoundError')) throw err;
    });
  }

  /** The value `SHOW warden.impersonation_…` gives: the impersonated user's, else what was set. */
  show(setting: WardenSetting): string {
    if (this.active) {
      if (setting === 'iamid') return this.active.user.iamid;
      if (setting === 'userid') return this.active.user.userid;
    }
    return (setting === 'userid' && this.ended ? undefined : this.pending[setting]) ?? '';
  }

  /** The caller a query runs as, checked now: a revoked impersonation is an `ImpersonationRevokedError`. */
  async caller(): Promise<Caller> {
    const a = this.active;
    if (!a) return this.login;
    const now = this.deps.now() / 1000;
    if (now < a.expiresAt - (a.expiresAt - a.issuedAt) * REFRESH_SHARE) return this.verify(a.token);
    // Late in the token's life: mint again, from a session that must still be this one.
    const session = await this.deps.sessions.get(this.login.principal, this.sessionId, Math.floor(now));
    if (!session || session.gen !== a.gen) return this.revoked('session ended');
    const minted = await impersonate(this.deps, this.login, this.sessionId, { userid: a.user.userid, iamid: a.user.iamid }).catch((err: Error) => this.revoked(err.message));
    if (minted.session.gen !== a.gen) return this.revoked('session ended');
    Object.assign(a, { token: minted.token, issuedAt: now, expiresAt: minted.expiresAt });
    return this.verify(minted.token);
  }

  /** Ends the impersonation with the connection (closing it ends it, seed 000). */
  async close(): Promise<void> {
    if (this.active) await this.end();
  }

  private async verify(token: string): Promise<Caller> {
    try {
      return await this.deps.impersonation.verify(token);
    } catch (err) {
      if (err instanceof AuthenticationError) return this.revoked(err.message.replace(/^impersonation token revoked: /, ''));
      throw err;
    }
  }

  private revoked(reason: string): never {
    this.active = undefined;
    this.ended = true;
    throw new ImpersonationRevokedError(reason);
  }
}
