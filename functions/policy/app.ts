import type { Hono } from 'hono';
import { createBaseApp } from '#shared/http/app.ts';
import type { AppEnv } from '#shared/http/context.ts';
import type { Services } from '#shared/services.ts';

/** The `policy` function: catalog, policies, decisions, simulations, access requests, audit. */
export function createPolicyApp(services: Services): Hono<AppEnv> {
  return createBaseApp('policy', services);
}
