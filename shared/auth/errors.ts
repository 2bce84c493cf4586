import { DomainError } from '#shared/model/errors.ts';

/** The presented credential is missing, unknown, expired or revoked. */
export class AuthenticationError extends DomainError {
  override readonly name = 'AuthenticationError';
  constructor(message: string) {
    super('unauthenticated', message);
  }
}
