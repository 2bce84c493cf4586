import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { Context as LambdaContext } from 'aws-lambda';
import { currentRequest } from '#shared/audit/request-scope.ts';

/** The levels `LOG_LEVEL` takes (any case). */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Structured JSON logs, one line per event: the one logger of every function and job. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger adding `fields` to every line (a request's, a job's). */
  child(fields: Record<string, unknown>): Logger;
  /** Adds the Lambda invocation (request id, cold start, function) to every line from now on. */
  addLambdaContext(context: LambdaContext): void;
}

/** Options of the root logger; sampling (`POWERTOOLS_LOGGER_SAMPLE_RATE`) and X-Ray ids come from Powertools itself. */
export interface LoggerOptions {
  readonly service: string;
  readonly level: LogLevel;
}

/**
 * A logger over AWS Lambda Powertools: JSON lines with the Lambda request id, cold start and
 * X-Ray trace id once a context is added. Every line written while a request is served carries
 * its ids, also from background work the request started (a snapshot refresh, an audit batch).
 */
export function createLogger(options: LoggerOptions): Logger {
  const root = new PowertoolsLogger({ serviceName: options.service, logLevel: options.level.toUpperCase() as Uppercase<LogLevel> });
  const make = (base: Record<string, unknown>): Logger => {
    const line = (fields: Record<string, unknown> | undefined) => ({ ...currentRequest(), ...base, ...fields });
    return {
      debug: (m, f) => root.debug(m, line(f)),
      info: (m, f) => root.info(m, line(f)),
      warn: (m, f) => root.warn(m, line(f)),
      error: (m, f) => root.error(m, line(f)),
      child: (fields) => make({ ...base, ...fields }),
      addLambdaContext: (context) => root.addContext(context),
    };
  };
  return make({});
}
