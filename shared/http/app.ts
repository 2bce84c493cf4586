import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { runInRequest } from '#shared/audit/request-scope.ts';
import { auditIdentity } from '#shared/auth/caller.ts';
import { AuthenticationError } from '#shared/auth/errors.ts';
import type { Services } from '#shared/services.ts';
import { ConflictError, NotFoundError, VersionMismatchError } from '#shared/store/errors.ts';
import { InvalidCursorError } from '#shared/store/cursor.ts';
import type { AppEnv } from './context.ts';
import { HttpError } from './errors.ts';
import { openApiDocument } from './openapi.ts';
import { auditRefusal } from './refusal.ts';

/** Maps any thrown value to the HTTP failure the client sees. */
export function toHttpError(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  if (err instanceof AuthenticationError) return new HttpError(401, 'Unauthorized', err.message, { 'WWW-Authenticate': 'Bearer' });
  if (err instanceof ConflictError) return new HttpError(409, 'Conflict', err.message);
  if (err instanceof VersionMismatchError) return new HttpError(409, 'Conflict', err.message);
  if (err instanceof NotFoundError) return new HttpError(404, 'Not Found', err.message);
  if (err instanceof InvalidCursorError) return new HttpError(400, 'Bad Request', err.message);
  if (err instanceof Error && err.name === 'PolicyValidationError') return new HttpError(400, 'Bad Request', err.message);
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

/** Longest client `x-request-id` recorded. */
const MAX_CLIENT_REQUEST_ID = 128;

/** The client's `x-request-id`, bounded, when it is printable ASCII; otherwise not recorded. */
function clientRequestIdOf(header: string | undefined): string | undefined {
  const value = header?.trim().slice(0, MAX_CLIENT_REQUEST_ID);
  return value && /^[\x20-\x7e]+$/.test(value) ? value : undefined;
}

/**
 * The base of every function app: request id and logging, problem+json errors (refusals
 * audited), `GET /health` and `GET /openapi.json`. The request id is always Warden's own (a
 * client could otherwise make its records pass for another request's); the client's
 * `x-request-id` is logged and audited apart, as `clientRequestId`.
 */
export function createBaseApp(name: string, services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(async (c, next) => {
    const requestId = randomUUID();
    const clientRequestId = clientRequestIdOf(c.req.header('x-request-id'));
    const ids = { requestId, ...(clientRequestId ? { clientRequestId } : {}) };
    const log = services.log.child({ function: name, ...ids });
    c.set('requestId', requestId);
    c.set('log', log);
    const started = performance.now();
    await runInRequest(ids, next);
    c.header('x-request-id', requestId);
    log.debug('request', { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) });
  });
  app.onError(async (err, c) => {
    const mapped = toHttpError(err);
    if (!mapped) {
      c.get('log')?.error('unhandled error', { error: err instanceof Error ? err.stack : String(err) });
      return problem(c, new HttpError(500, 'Internal Server Error', 'unexpected error; see the logs for request id'));
    }
    await auditRefusal(services, c, auditIdentity(c.get('caller') as AppEnv['Variables']['caller'] | undefined), mapped.status, { detail: mapped.detail });
    return problem(c, mapped);
  });
  app.notFound((c) => problem(c, new HttpError(404, 'Not Found', `no route for \`${c.req.method} ${c.req.path}\``)));
  app.get('/health', (c) => c.json({ status: 'ok', version: services.config.version }));
  app.get('/openapi.json', (c) => c.json(openApiDocument(services.config)));
  return app;
}
