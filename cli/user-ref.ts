import { parseUserRef, type UserRef } from '#shared/model/identity.ts';
import { CliError } from './connection.ts';

/** `okta/jdoe` as a user; anything else is an error saying the form. */
export function userArgument(text: string): UserRef {
  const ref = parseUserRef(text);
  if (!ref) throw new CliError(`\`${text}\` is not a user: expected \`iamid/userid\``);
  return ref;
}
