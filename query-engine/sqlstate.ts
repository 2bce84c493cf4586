import { DomainError, type ErrorKind } from '#shared/model/errors.ts';
import type { Logger } from '#shared/log/logger.ts';
import { SqlStateError } from './errors.ts';

/** The fields of a PostgreSQL ErrorResponse the engine writes. */
export interface ErrorFields {
  readonly severity: 'ERROR' | 'FATAL';
  readonly code: string;
  readonly message: string;
  readonly detail?: string;
  readonly hint?: string;
  /** 1-based character position in the statement, as PostgreSQL reports it. */
  readonly position?: number;
}

/**
 * The one table from a domain error's kind to the SQLSTATE a client sees, as the HTTP side has
 * one table to problem+json: a lost race is a serialization failure (40001, retry), a state the
 * request cannot be applied in is 55000, a store that is down is 58000 (a failure outside the
 * database, retry later).
 */
const SQLSTATES: Readonly<Record<ErrorKind, string>> = {
  invalid: '22023',
  unauthenticated: '28000',
  forbidden: '42501',
  'not-found': '42704',
  conflict: '55000',
  precondition: '55000',
  unavailable: '58000',
};

/** Internal failures say nothing of their cause to the client; the log has it. */
const INTERNAL: ErrorFields = { severity: 'ERROR', code: 'XX000', message: 'internal error in the warden query engine' };

/** The ErrorResponse for anything thrown while serving a statement; undefined for a fault of the engine itself. */
export function errorFields(err: unknown, severity: ErrorFields['severity'] = 'ERROR'): ErrorFields | undefined {
  if (err instanceof SqlStateError) return { severity, code: err.sqlstate, message: err.message, ...err.extra };
  if (err instanceof DomainError) return { severity, code: err.lostRace ? '40001' : SQLSTATES[err.kind], message: err.message };
  return undefined;
}

/**
 * The ErrorResponse fields for anything thrown while serving a client: a fault of the engine
 * itself is logged with its stack and answered as the internal error, which says nothing of it.
 */
export function answerFields(err: unknown, log: Logger, severity: ErrorFields['severity'] = 'ERROR'): ErrorFields {
  const fields = errorFields(err, severity);
  if (fields) return fields;
  log.error('query engine fault', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  return { ...INTERNAL, severity };
}
