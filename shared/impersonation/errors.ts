/** The caller may not impersonate: not allow-listed and without `IMPERSONATE_USER`. */
export class ImpersonationNotAllowedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImpersonationNotAllowedError';
  }
}

/** The session belongs to another impersonator: sessions cannot be taken over. */
export class SessionOwnedError extends Error {
  constructor(sessionId: string) {
    super(`session \`${sessionId}\` belongs to another impersonator`);
    this.name = 'SessionOwnedError';
  }
}

/** The single-impersonation lock forbids switching, or the session has ended. */
export class SessionConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SessionConflictError';
  }
}

/** The user to impersonate does not exist or is inactive; the two are not told apart. */
export class TargetNotFoundError extends Error {
  constructor(iamid: string, userid: string) {
    super(`user \`${userid}\` not found in iam \`${iamid}\``);
    this.name = 'TargetNotFoundError';
  }
}

/** The session does not exist (never created, ended or expired). */
export class SessionNotFoundError extends Error {
  constructor(sessionId: string) {
    super(`impersonation session \`${sessionId}\` not found`);
    this.name = 'SessionNotFoundError';
  }
}

/** A deployment setting from the environment cannot be used. */
export class InvalidSettingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidSettingError';
  }
}
