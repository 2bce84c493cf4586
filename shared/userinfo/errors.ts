/** The IAM has no external source of truth configured. */
export class NoExternalSourceError extends Error {
  constructor(iamid: string) {
    super(`iam \`${iamid}\` has no external source`);
    this.name = 'NoExternalSourceError';
  }
}
