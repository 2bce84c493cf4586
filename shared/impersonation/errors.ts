import { domainError } from '#shared/model/errors.ts';

/** The caller may not impersonate (the rule of `rule.ts`), or not with the key it presented. */
export class ImpersonationNotAllowedError extends domainError('ImpersonationNotAllowedError', 'forbidden') {}

/** The user to impersonate cannot be named at all (a `useridTemplate` expansion too long or malformed). */
export class InvalidTargetError extends domainError('InvalidTargetError', 'invalid') {}

/** The single-impersonation lock forbids switching, or the session has ended. */
export class SessionConflictError extends domainError('SessionConflictError', 'conflict') {}

/** The user to impersonate does not exist or is inactive; the two are not told apart. */
export class TargetNotFoundError extends domainError('TargetNotFoundError', 'not-found', {
  message: (iamid: string, userid: string) => `user \`${userid}\` not found in iam \`${iamid}\``,
}) {}

/** The session does not exist (never created, ended or expired). */
export class SessionNotFoundError extends domainError('SessionNotFoundError', 'not-found', {
  message: (sessionId: string) => `impersonation session \`${sessionId}\` not found`,
}) {}

/** A deployment setting from the environment cannot be used. */
export class InvalidSettingError extends domainError('InvalidSettingError', 'invalid') {}
