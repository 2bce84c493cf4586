import { domainSubError } from '#shared/model/errors.ts';
import { NotFoundError } from '#shared/store/errors.ts';

/** The user a decision is about does not exist. */
export class UnknownUserError extends domainSubError(NotFoundError, 'UnknownUserError', {
  message: (iamid: string, userid: string) => `user \`${userid}\` not found in iam \`${iamid}\``,
}) {}

/** The data source a decision is about is not in the catalog (as of the snapshot). */
export class UnknownDataSourceError extends domainSubError(NotFoundError, 'UnknownDataSourceError', {
  message: (ids: readonly string[]) => `data source ${ids.map((id) => `\`${id}\``).join(', ')} not found`,
}) {}
