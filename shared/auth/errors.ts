import { domainError } from '#shared/model/errors.ts';

/** The presented credential is missing, unknown, expired or revoked. */
export class AuthenticationError extends domainError('AuthenticationError', 'unauthenticated') {}

/** The caller is neither the one acted for nor holds a permission that the action requires. */
export class PermissionError extends domainError('PermissionError', 'forbidden') {}
