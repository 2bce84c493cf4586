/** The caller may not impersonate (the rule of `rule.ts`), or not with the key it presented. */
export class ImpersonationNotAllowedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImpersonationNotAllowedError';
  }
}

/** Another impersonator's sessions are addressed only with `USER_ADMIN`; whether they exist is not told. */
export class ForeignSessionsError extends Error {
  constructor(label: string) {
    super(`requires permission \`USER_ADMIN\` to address the sessions of \`${label}\``);
    this.name = 'ForeignSessionsError';
  }
}

/** The user to impersonate cannot be named at all (a `useridTemplate` expansion too long or malformed). */
export class InvalidTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidTargetError';
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
