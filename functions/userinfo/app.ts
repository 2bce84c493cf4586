import type { Hono } from 'hono';
import { authenticate } from '#shared/http/auth.ts';
import { createBaseApp } from '#shared/http/app.ts';
import type { AppEnv } from '#shared/http/context.ts';
import type { Services } from '#shared/services.ts';
import { apiKeyRoutes } from './api-keys.ts';
import { iamRoutes } from './iams.ts';

/** The `userinfo` function: user info endpoint, users, groups, IAMs and API keys. */
export function createUserinfoApp(services: Services): Hono<AppEnv> {
  const app = createBaseApp('userinfo', services);
  app.use('/v1/*', authenticate(services));
  app.route('/v1/api-keys', apiKeyRoutes(services));
  app.route('/v1/iams', iamRoutes(services));
  return app;
}
