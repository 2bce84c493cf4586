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

/** A class that takes `A`: what `domainError` and `domainSubError` make, to extend. */
export type DomainErrorClass<A extends unknown[] = [message: string]> = new (...args: A) => DomainError;

/** How a declared error reads its arguments: the message itself, unless `message` builds it. */
interface Declared<A extends unknown[]> {
  /** The message of the class's arguments (`(sessionId) => …`); absent, the class takes the message. */
  readonly message?: (...args: A) => string;
}

const messageOf = <A extends unknown[]>(declared: Declared<A>, args: A): string => declared.message?.(...args) ?? String(args[0]);

/**
 * The base of a named `DomainError` of `kind`, one line per error of a module's `errors.ts`:
 * `export class SessionConflictError extends domainError('SessionConflictError', 'conflict') {}`.
 * The name is spelled out because bundles are minified: it is what a stack trace, a log line
 * and `String(err)` show.
 */
export function domainError<A extends unknown[] = [message: string]>(name: string, kind: ErrorKind, declared: Declared<A> & { readonly lostRace?: boolean } = {}): DomainErrorClass<A> {
  const options = { lostRace: declared.lostRace ?? false };
  return class extends DomainError {
    override readonly name: string = name;
    constructor(...args: A) {
      super(kind, messageOf(declared, args), options);
    }
  };
}

/** The base of a named subclass of `parent` (a class that takes a message), of the parent's kind. */
export function domainSubError<A extends unknown[] = [message: string]>(parent: DomainErrorClass, name: string, declared: Declared<A> = {}): DomainErrorClass<A> {
  return class extends parent {
    override readonly name: string = name;
    constructor(...args: A) {
      super(messageOf(declared, args));
    }
  };
}
