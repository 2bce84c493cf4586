import type { Hono } from 'hono';
import { authenticate } from '#shared/http/auth.ts';
import { createBaseApp } from '#shared/http/app.ts';
import type { AppEnv } from '#shared/http/context.ts';
import type { DecidingServices } from '#shared/services.ts';
import { apiKeyRoutes } from './api-keys.ts';
import { userDataSourceRoutes } from './data-sources.ts';
import { groupRoutes } from './groups.ts';
import { iamRoutes } from './iams.ts';
import { userinfoRoutes } from './userinfo.ts';
import { userRoutes } from './users.ts';

/** The `userinfo` function: user info endpoint, users, groups, IAMs and API keys. */
export function createUserinfoApp(services: DecidingServices): Hono<AppEnv> {
  const app = createBaseApp('userinfo', services);
  app.use('/v1/*', authenticate(services));
  app.use('/userinfo/*', authenticate(services, { allowBasic: true, acceptImpersonation: true }));
  app.route('/userinfo', userinfoRoutes(services));
  app.route('/v1/api-keys', apiKeyRoutes(services));
  app.route('/v1/iams', iamRoutes(services));
  app.route('/v1/users', userRoutes(services));
  app.route('/v1/users', userDataSourceRoutes(services));
  app.route('/v1/groups', groupRoutes(services));
  return app;
}
