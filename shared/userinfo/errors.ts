import { domainError } from '#shared/model/errors.ts';

/** The IAM has no external source of truth configured. */
export class NoExternalSourceError extends domainError('NoExternalSourceError', 'conflict', {
  message: (iamid: string) => `iam \`${iamid}\` has no external source`,
}) {}
