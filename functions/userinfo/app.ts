import type { Hono } from 'hono';
import { authenticate } from '#shared/http/auth.ts';
import { createBaseApp } from '#shared/http/app.ts';
import type { AppEnv } from '#shared/http/context.ts';
import type { DecidingServices } from '#shared/services.ts';
import { apiKeyRoutes } from './api-keys.ts';
import { consoleRoutes } from './console.ts';
import { userDataSourceRoutes } from './data-sources.ts';
import { groupRoutes } from './groups.ts';
import { iamRoutes } from './iams.ts';
import { userinfoRoutes } from './userinfo.ts';
import { userRoutes } from './users.ts';

/** The `userinfo` function: user info endpoint, users, groups, IAMs and API keys. */
export function createUserinfoApp(services: DecidingServices): Hono<AppEnv> {
  const app = createBaseApp('userinfo', services);
  app.use('/v1/*', authenticate(services));
  // As the routes declare: Basic with the API key as password, and impersonation tokens, here only.
  app.use('/userinfo/*', authenticate(services, { allowBasic: true, acceptImpersonation: true }));
  const groups = [userinfoRoutes(services), apiKeyRoutes(services), iamRoutes(services), userRoutes(services), userDataSourceRoutes(services), groupRoutes(services), consoleRoutes(services)];
  for (const routes of groups) app.route(routes.base, routes);
  return app;
}
