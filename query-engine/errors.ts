import { DomainError, type ErrorKind } from '#shared/model/errors.ts';

/** What a client sees beside the message: PostgreSQL's `detail`, `hint` and `position` fields. */
export interface SqlStateExtra {
  readonly detail?: string;
  readonly hint?: string;
  readonly position?: number;
}

/**
 * A failure PostgreSQL itself names with a SQLSTATE of its own (a syntax error, an unknown
 * table): clients and BI tools recognise these codes, so the engine answers with them rather
 * than the one its kind maps to (`sqlstate.ts` holds that table for every other domain error).
 */
export class SqlStateError extends DomainError {
  override readonly name: string = 'SqlStateError';
  constructor(
    kind: ErrorKind,
    readonly sqlstate: string,
    message: string,
    readonly extra: SqlStateExtra = {},
  ) {
    super(kind, message);
  }
}

/** The message and fields of one error, built from its constructor's arguments. */
type Answer = string | readonly [message: string, extra: SqlStateExtra];

/**
 * The base of a named `SqlStateError` of `kind` and `sqlstate`, one declaration per error below;
 * `answer` turns the constructor's arguments into the message (and the extra fields). The name is
 * spelled out because bundles are minified (see `domainError`).
 */
function sqlStateError<A extends unknown[]>(name: string, kind: ErrorKind, sqlstate: string, answer: (...args: A) => Answer) {
  return class extends SqlStateError {
    override readonly name: string = name;
    constructor(...args: A) {
      const built = answer(...args);
      const [message, extra] = typeof built === 'string' ? [built, {}] : built;
      super(kind, sqlstate, message, extra);
    }
  };
}

const only = <K extends keyof SqlStateExtra>(key: K, value: SqlStateExtra[K] | undefined): SqlStateExtra => (value === undefined || value === '' ? {} : { [key]: value });

/** The SQL does not parse (42601). */
export class SqlSyntaxError extends sqlStateError('SqlSyntaxError', 'invalid', '42601', (message: string, position?: number) => [message, only('position', position)]) {}

/** A statement, function or relation the read-only engine never lets through (42501). */
export class RefusedError extends sqlStateError('RefusedError', 'forbidden', '42501', (message: string, detail?: string) => [message, only('detail', detail)]) {}

/** A data source the effective user may not query (42501); the detail is Warden's explanation. */
export class DataSourceDeniedError extends sqlStateError('DataSourceDeniedError', 'forbidden', '42501', (sourceId: string, detail: string) => [`permission denied for data source \`${sourceId}\``, { detail }]) {}

/** A table reference that resolves to no relation of the backend (42P01). */
export class UndefinedTableError extends sqlStateError('UndefinedTableError', 'not-found', '42P01', (name: string) => `relation "${name}" does not exist`) {}

/** A parameter the engine does not know (`SHOW warden.nope`, 42704). */
export class UnknownSettingError extends sqlStateError('UnknownSettingError', 'not-found', '42704', (name: string) => `unrecognized configuration parameter "${name}"`) {}

/** Something PostgreSQL accepts that the engine does not support (0A000). */
export class NotSupportedError extends sqlStateError('NotSupportedError', 'invalid', '0A000', (message: string, hint?: string) => [message, only('hint', hint)]) {}

/** A prepared statement the client names was never prepared on this connection (26000). */
export class UnknownStatementError extends sqlStateError('UnknownStatementError', 'not-found', '26000', (name: string) => `prepared statement "${name}" does not exist`) {}

/** A prepared statement name already in use on this connection (42P05). */
export class DuplicateStatementError extends sqlStateError('DuplicateStatementError', 'conflict', '42P05', (name: string) => `prepared statement "${name}" already exists`) {}

/** The login failed: unknown key, or a user name that is not the key's principal (28P01). */
export class LoginError extends sqlStateError('LoginError', 'unauthenticated', '28P01', (user: string) => `password authentication failed for user "${user}"`) {}

/** The connection's impersonation was revoked or ended elsewhere: the connection ends (FATAL, 42501). */
export class ImpersonationRevokedError extends sqlStateError('ImpersonationRevokedError', 'forbidden', '42501', (reason: string) => [`the impersonation of this connection was revoked: ${reason}`, { hint: 'connect again' }]) {}

/** A connection the engine refuses before asking for a password (28000, as a pg_hba rejection). */
export class ConnectionRefusedError extends SqlStateError {
  override readonly name: string = 'ConnectionRefusedError';
  constructor(message: string, sqlstate = '28000') {
    super('forbidden', sqlstate, message);
  }
}
