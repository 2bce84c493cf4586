import { RE2JS, RE2JSException, RE2JSSyntaxException } from 're2js';
import { RegexSyntaxError } from './errors.ts';

/**
 * Compiles a regular expression a user wrote (a `columnRegex` circumstance, a regex mask) in
 * RE2 syntax. RE2 matches in time linear in the input by construction (an automaton, never a
 * backtracking search), so no pattern can stall a decision; the constructs that need
 * backtracking (backreferences, lookaround) do not exist in it and are refused here, at PUT,
 * by name. Throws `RegexSyntaxError`.
 */
export function linearRegex(pattern: string, caseInsensitive = false): RE2JS {
  try {
    return RE2JS.compile(pattern, caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0);
  } catch (error) {
    if (error instanceof RE2JSSyntaxException) throw new RegexSyntaxError(pattern, `${error.error} \`${error.input ?? pattern}\``);
    if (error instanceof RE2JSException) throw new RegexSyntaxError(pattern, error.message);
    throw error;
  }
}
