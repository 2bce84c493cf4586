import { DomainError } from '#shared/model/errors.ts';

/** The presented credential is missing, unknown, expired or revoked. */
export class AuthenticationError extends DomainError {
  override readonly name = 'AuthenticationError';
  constructor(message: string) {
    super('unauthenticated', message);
  }
}

/** The caller is neither the one acted for nor holds a permission that the action requires. */
export class PermissionError extends DomainError {
  override readonly name = 'PermissionError';
  constructor(message: string) {
    super('forbidden', message);
  }
}
