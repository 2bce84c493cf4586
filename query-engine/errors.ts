import { DomainError, type ErrorKind } from '#shared/model/errors.ts';

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
    readonly extra: { readonly detail?: string; readonly hint?: string; readonly position?: number } = {},
  ) {
    super(kind, message);
  }
}

/** The SQL does not parse (42601). */
export class SqlSyntaxError extends SqlStateError {
  override readonly name = 'SqlSyntaxError';
  constructor(message: string, position?: number) {
    super('invalid', '42601', message, position === undefined ? {} : { position });
  }
}

/** A statement, function or relation the read-only engine never lets through (42501). */
export class RefusedError extends SqlStateError {
  override readonly name = 'RefusedError';
  constructor(message: string, detail?: string) {
    super('forbidden', '42501', message, detail ? { detail } : {});
  }
}

/** A data source the effective user may not query (42501); the detail is Warden's explanation. */
export class DataSourceDeniedError extends SqlStateError {
  override readonly name = 'DataSourceDeniedError';
  constructor(sourceId: string, detail: string) {
    super('forbidden', '42501', `permission denied for data source \`${sourceId}\``, { detail });
  }
}

/** A table reference that resolves to no relation of the backend (42P01). */
export class UndefinedTableError extends SqlStateError {
  override readonly name = 'UndefinedTableError';
  constructor(name: string) {
    super('not-found', '42P01', `relation "${name}" does not exist`);
  }
}

/** A parameter the engine does not know (`SHOW warden.nope`, 42704). */
export class UnknownSettingError extends SqlStateError {
  override readonly name = 'UnknownSettingError';
  constructor(name: string) {
    super('not-found', '42704', `unrecognized configuration parameter "${name}"`);
  }
}

/** Something PostgreSQL accepts that the engine does not support (0A000). */
export class NotSupportedError extends SqlStateError {
  override readonly name = 'NotSupportedError';
  constructor(message: string, hint?: string) {
    super('invalid', '0A000', message, hint ? { hint } : {});
  }
}

/** A prepared statement the client names was never prepared on this connection (26000). */
export class UnknownStatementError extends SqlStateError {
  override readonly name = 'UnknownStatementError';
  constructor(name: string) {
    super('not-found', '26000', `prepared statement "${name}" does not exist`);
  }
}

/** A prepared statement name already in use on this connection (42P05). */
export class DuplicateStatementError extends SqlStateError {
  override readonly name = 'DuplicateStatementError';
  constructor(name: string) {
    super('conflict', '42P05', `prepared statement "${name}" already exists`);
  }
}

/** The login failed: unknown key, or a user name that is not the key's principal (28P01). */
export class LoginError extends SqlStateError {
  override readonly name = 'LoginError';
  constructor(user: string) {
    super('unauthenticated', '28P01', `password authentication failed for user "${user}"`);
  }
}

/** A connection the engine refuses before asking for a password (28000, as a pg_hba rejection). */
export class ConnectionRefusedError extends SqlStateError {
  override readonly name = 'ConnectionRefusedError';
  constructor(message: string, sqlstate = '28000') {
    super('forbidden', sqlstate, message);
  }
}

/** The connection's impersonation was revoked or ended elsewhere: the connection ends (FATAL, 42501). */
export class ImpersonationRevokedError extends SqlStateError {
  override readonly name = 'ImpersonationRevokedError';
  constructor(reason: string) {
    super('forbidden', '42501', `the impersonation of this connection was revoked: ${reason}`, { hint: 'connect again' });
  }
}
