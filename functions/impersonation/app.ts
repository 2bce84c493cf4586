import type { Hono } from 'hono';
import { createBaseApp } from '#shared/http/app.ts';
import { authenticate } from '#shared/http/auth.ts';
import type { AppEnv } from '#shared/http/context.ts';
import type { Services } from '#shared/services.ts';
import { jwksRoutes } from './jwks.ts';
import { sessionRoutes } from './sessions.ts';
import { settingsRoutes } from './settings.ts';

/** The `impersonation` function: impersonation settings, sessions, token minting and JWKS. */
export function createImpersonationApp(services: Services): Hono<AppEnv> {
  const app = createBaseApp('impersonation', services);
  // Impersonation tokens are refused here (403): a token cannot mint further tokens.
  app.use('/v1/*', authenticate(services));
  for (const routes of [jwksRoutes(services), settingsRoutes(services), sessionRoutes(services)]) app.route(routes.base, routes);
  return app;
}
