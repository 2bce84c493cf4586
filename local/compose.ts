import { Hono } from 'hono';
import { CONSOLE_PREFIX } from '#shared/http/path-prefixes.ts';
import { createImpersonationApp } from '#functions/impersonation/app.ts';
import { createPolicyApp } from '#functions/policy/app.ts';
import { createScimApp } from '#functions/scim/app.ts';
import { createUserinfoApp } from '#functions/userinfo/app.ts';
import type { DecidingServices } from '#shared/services.ts';
import { FUNCTIONS, functionFor, type FunctionName } from '#shared/http/path-prefixes.ts';

/** Anything with a fetch handler, like a Hono app. */
interface Fetchable {
  fetch(request: Request): Response | Promise<Response>;
}

/** The four function apps over one set of services. */
export function createFunctionApps(services: DecidingServices): Record<FunctionName, Fetchable> {
  return {
    scim: createScimApp(services),
    userinfo: createUserinfoApp(services),
    policy: createPolicyApp(services),
    impersonation: createImpersonationApp(services),
  };
}

/**
 * One server for the whole API, routing each path to its function as API Gateway does.
 * `/health` asks every function and answers ok only if all four are; `/openapi.json` is the
 * policy function's. With `consoleApp`, `/console` and every path below it are the console's.
 */
export function createLocalServer(apps: Record<FunctionName, Fetchable>, version: string, consoleApp?: Fetchable): Hono {
  const server = new Hono();
  if (consoleApp) {
    server.all(CONSOLE_PREFIX, (c) => consoleApp.fetch(c.req.raw));
    server.all(`${CONSOLE_PREFIX}/*`, (c) => consoleApp.fetch(c.req.raw));
  }
  server.get('/health', async (c) => {
    const healthy = await Promise.all(FUNCTIONS.map(async (fn) => (await apps[fn].fetch(new Request('http://local/health'))).status === 200));
    const ok = healthy.every(Boolean);
    return c.json({ status: ok ? 'ok' : 'degraded', version }, ok ? 200 : 503);
  });
  server.get('/openapi.json', (c) => apps.policy.fetch(c.req.raw));
  server.all('*', (c) => {
    const fn = functionFor(c.req.path);
    if (fn) return apps[fn].fetch(c.req.raw);
    // API Gateway routes only the listed paths; answer the rest as a function would.
    const detail = `no route for \`${c.req.method} ${c.req.path}\``;
    return c.body(JSON.stringify({ type: 'about:blank', title: 'Not Found', status: 404, detail }), 404, {
      'content-type': 'application/problem+json',
    });
  });
  return server;
}
