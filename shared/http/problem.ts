import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { DomainError, type ErrorKind } from '#shared/model/errors.ts';
import { HttpError } from './errors.ts';

/** How long a client should wait before retrying a request that met a throttled or failing store. */
export const RETRY_AFTER_SECONDS = 1;

/** The one table from a domain error's kind to the problem+json answer. */
const PROBLEMS: Readonly<Record<ErrorKind, { readonly status: number; readonly title: string; readonly headers?: Record<string, string> }>> = {
  invalid: { status: 400, title: 'Bad Request' },
  unauthenticated: { status: 401, title: 'Unauthorized', headers: { 'WWW-Authenticate': 'Bearer' } },
  forbidden: { status: 403, title: 'Forbidden' },
  'not-found': { status: 404, title: 'Not Found' },
  conflict: { status: 409, title: 'Conflict' },
  precondition: { status: 412, title: 'Precondition Failed' },
  unavailable: { status: 503, title: 'Service Unavailable', headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) } },
};

/**
 * The HTTP failure the client sees for any thrown value; undefined for a server fault. A
 * conflict that lost a race under `If-Match` is the 412 the client asked for.
 */
export function toHttpError(err: unknown, ifMatchSent = false): HttpError | undefined {
  if (err instanceof HttpError) return err;
  if (err instanceof DomainError) {
    if (err.lostRace && ifMatchSent) return new HttpError(412, PROBLEMS.precondition.title, `\`If-Match\`: ${err.message}`);
    const p = PROBLEMS[err.kind];
    return new HttpError(p.status, p.title, err.message, p.headers);
  }
  if (err instanceof HTTPException) return new HttpError(err.status, err.message || 'Error', err.message || `status ${err.status}`);
  return undefined;
}

/** An RFC 9457 problem response. */
export function problem(c: Context, e: HttpError): Response {
  return c.body(JSON.stringify({ type: 'about:blank', title: e.title, status: e.status, detail: e.detail }), e.status as 400, {
    'content-type': 'application/problem+json',
    ...e.headers,
  });
}
