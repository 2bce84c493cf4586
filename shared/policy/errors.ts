import { domainError } from '#shared/model/errors.ts';

/** A policy document that cannot be stored: the message names the field and the problem. */
export class PolicyValidationError extends domainError('PolicyValidationError', 'invalid') {}

/** An advanced condition that does not parse; `position` is the 0-based offset in the text. */
export class ConditionSyntaxError extends Error {
  override readonly name = 'ConditionSyntaxError';
  constructor(
    readonly problem: string,
    readonly position: number,
  ) {
    super(`${problem} at ${position}`);
  }
}

/** A user-written regular expression that is not RE2 syntax; `problem` names the construct. */
export class RegexSyntaxError extends Error {
  override readonly name = 'RegexSyntaxError';
  constructor(
    readonly pattern: string,
    readonly problem: string,
  ) {
    super(`invalid regular expression \`${pattern}\`: ${problem}`);
  }
}
