import { NotFoundError } from '#shared/store/errors.ts';

/** The user a decision is about does not exist. */
export class UnknownUserError extends NotFoundError {
  constructor(iamid: string, userid: string) {
    super(`user \`${userid}\` not found in iam \`${iamid}\``);
    this.name = 'UnknownUserError';
  }
}

/** The data source a decision is about is not in the catalog (as of the snapshot). */
export class UnknownDataSourceError extends NotFoundError {
  constructor(ids: readonly string[]) {
    super(`data source ${ids.map((id) => `\`${id}\``).join(', ')} not found`);
    this.name = 'UnknownDataSourceError';
  }
}
