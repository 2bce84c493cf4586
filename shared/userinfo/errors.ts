import { DomainError } from '#shared/model/errors.ts';

/** The IAM has no external source of truth configured. */
export class NoExternalSourceError extends DomainError {
  override readonly name = 'NoExternalSourceError';
  constructor(iamid: string) {
    super('conflict', `iam \`${iamid}\` has no external source`);
  }
}
