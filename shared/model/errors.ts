/**
 * What kind of failure a domain error is. Exactly two tables turn a kind into a response:
 * problem+json (`shared/http/problem.ts`) and SCIM errors (`functions/scim/on-error.ts`).
 */
export type ErrorKind = 'invalid' | 'unauthenticated' | 'forbidden' | 'not-found' | 'conflict' | 'precondition' | 'unavailable';

/**
 * The base of every named `…Error` of a module's `errors.ts`: a message and its kind. A
 * `lostRace` conflict is a conditional write that lost to a concurrent one: under `If-Match`
 * the client asked for that condition, and the answer is 412 rather than 409.
 */
export class DomainError extends Error {
  readonly lostRace: boolean;

  constructor(
    readonly kind: ErrorKind,
    message: string,
    options: { readonly lostRace?: boolean } = {},
  ) {
    super(message);
    this.lostRace = options.lostRace ?? false;
  }
}
