import { randomUUID } from 'node:crypto';
import type { Context as LambdaContext } from 'aws-lambda';
import { Hono } from 'hono';
import { runInRequest } from '#shared/audit/request-scope.ts';
import { auditIdentity } from '#shared/auth/caller.ts';
import type { Services } from '#shared/services.ts';
import type { AppEnv } from './context.ts';
import { HttpError } from './errors.ts';
import { openApiDocument } from './openapi.ts';
import { problem, toHttpError } from './problem.ts';
import { auditRefusal } from './refusal.ts';
import { RouteGroup } from './route-group.ts';
import { getDocs, getDocsScript, getDocsStyles, getHealth, getOpenApiDocument } from './routes/base.ts';
import { DOCS_ASSETS } from './docs-assets.ts';
import { DOCS_PAGE, docsAsset } from './docs.ts';

/** Longest client `x-request-id` recorded. */
const MAX_CLIENT_REQUEST_ID = 128;

/** The client's `x-request-id`, bounded, when it is printable ASCII; otherwise not recorded. */
function clientRequestIdOf(header: string | undefined): string | undefined {
  const value = header?.trim().slice(0, MAX_CLIENT_REQUEST_ID);
  return value && /^[\x20-\x7e]+$/.test(value) ? value : undefined;
}

/**
 * The base of every function app: request id and logging, problem+json errors (refusals
 * audited), `GET /health`, `GET /openapi.json` and the reference at `GET /docs`. The request id is always Warden's own (a
 * client could otherwise make its records pass for another request's); the client's
 * `x-request-id` is logged and audited apart, as `clientRequestId`.
 */
export function createBaseApp(name: string, services: Pick<Services, 'log' | 'metrics' | 'audit' | 'config'>): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(async (c, next) => {
    const requestId = randomUUID();
    const clientRequestId = clientRequestIdOf(c.req.header('x-request-id'));
    const ids = { requestId, ...(clientRequestId ? { clientRequestId } : {}) };
    // On Lambda: the invocation's request id, cold start and function on every line from here on.
    const lambda = (c.env as { lambdaContext?: LambdaContext } | undefined)?.lambdaContext;
    if (lambda) services.log.addLambdaContext(lambda);
    const log = services.log.child({ function: name, ...ids });
    c.set('requestId', requestId);
    c.set('log', log);
    c.set('defaultIam', services.config.defaultIam);
    c.set('checkReplies', services.config.checkReplies);
    // Set before the answer exists, so it is built with it: set on a built answer, Hono
    // rebuilds that answer as a stream, which cost a small request more than its decision.
    c.header('x-request-id', requestId);
    const started = performance.now();
    try {
      await runInRequest(ids, next);
    } finally {
      // One request is one invocation behind API Gateway: its metrics are flushed with it.
      services.metrics.flush();
    }
    if (!c.res.headers.has('x-request-id')) c.header('x-request-id', requestId);
    log.debug('request', { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) });
  });
  app.onError(async (err, c) => {
    const mapped = toHttpError(err, c.req.header('if-match') !== undefined);
    if (!mapped) {
      c.get('log')?.error('unhandled error', { error: err instanceof Error ? err.stack : String(err) });
      return problem(c, new HttpError(500, 'Internal Server Error', 'unexpected error; see the logs for request id'));
    }
    await auditRefusal(services, c, auditIdentity(c.get('caller') as AppEnv['Variables']['caller'] | undefined), mapped.status, { detail: mapped.detail });
    return problem(c, mapped);
  });
  app.notFound((c) => problem(c, new HttpError(404, 'Not Found', `no route for \`${c.req.method} ${c.req.path}\``)));
  const base = new RouteGroup('/');
  base.serve(getHealth, (c) => c.json({ status: 'ok' as const, version: services.config.version }, 200));
  base.serve(getOpenApiDocument, (c) => c.json(openApiDocument(services.config), 200));
  base.serve(getDocs, (c) => c.html(DOCS_PAGE, 200));
  for (const [reply, name] of [[getDocsScript, 'swagger-ui-bundle.js'], [getDocsStyles, 'swagger-ui.css']] as const) {
    base.serve(reply, async (c) => c.body(await docsAsset(name), 200, { 'content-type': DOCS_ASSETS[name], 'cache-control': 'public, max-age=86400' }));
  }
  app.route('/', base);
  return app;
}
