import type { Hono } from 'hono';
import { createBaseApp } from '#shared/http/app.ts';
import type { AppEnv } from '#shared/http/context.ts';
import type { Services } from '#shared/services.ts';

/** The `impersonation` function: impersonation settings, sessions, token minting and JWKS. */
export function createImpersonationApp(services: Services): Hono<AppEnv> {
  return createBaseApp('impersonation', services);
}
