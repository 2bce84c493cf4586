import { DomainError } from '#shared/model/errors.ts';

/** The caller may not impersonate (the rule of `rule.ts`), or not with the key it presented. */
export class ImpersonationNotAllowedError extends DomainError {
  override readonly name = 'ImpersonationNotAllowedError';
  constructor(message: string) {
    super('forbidden', message);
  }
}

/** The user to impersonate cannot be named at all (a `useridTemplate` expansion too long or malformed). */
export class InvalidTargetError extends DomainError {
  override readonly name = 'InvalidTargetError';
  constructor(message: string) {
    super('invalid', message);
  }
}

/** The single-impersonation lock forbids switching, or the session has ended. */
export class SessionConflictError extends DomainError {
  override readonly name = 'SessionConflictError';
  constructor(message: string) {
    super('conflict', message);
  }
}

/** The user to impersonate does not exist or is inactive; the two are not told apart. */
export class TargetNotFoundError extends DomainError {
  override readonly name = 'TargetNotFoundError';
  constructor(iamid: string, userid: string) {
    super('not-found', `user \`${userid}\` not found in iam \`${iamid}\``);
  }
}

/** The session does not exist (never created, ended or expired). */
export class SessionNotFoundError extends DomainError {
  override readonly name = 'SessionNotFoundError';
  constructor(sessionId: string) {
    super('not-found', `impersonation session \`${sessionId}\` not found`);
  }
}

/** A deployment setting from the environment cannot be used. */
export class InvalidSettingError extends DomainError {
  override readonly name = 'InvalidSettingError';
  constructor(message: string) {
    super('invalid', message);
  }
}
