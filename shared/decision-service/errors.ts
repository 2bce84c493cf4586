import { NotFoundError } from '#shared/store/errors.ts';

/** The user a decision is about does not exist. */
export class UnknownUserError extends NotFoundError {
  override readonly name = 'UnknownUserError';
  constructor(iamid: string, userid: string) {
    super(`user \`${userid}\` not found in iam \`${iamid}\``);
  }
}

/** The data source a decision is about is not in the catalog (as of the snapshot). */
export class UnknownDataSourceError extends NotFoundError {
  override readonly name = 'UnknownDataSourceError';
  constructor(ids: readonly string[]) {
    super(`data source ${ids.map((id) => `\`${id}\``).join(', ')} not found`);
  }
}
