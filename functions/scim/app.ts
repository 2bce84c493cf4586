/*
 * The `scim` function in three layers, each importing only the ones below it:
 * - `routes/`: the Hono routes (handlers inline), token auth, request and response plumbing, errors;
 * - `services/`: SCIM Users and Groups over the store: membership, retried writes, audit;
 * - `rfc/`: RFC 7643/7644 as pure, synchronous code (paths, schemas, filters, PATCH, canonical
 *   names, projection, rendering, discovery), with Warden's limits on what it stores; it needs
 *   no store, no HTTP and no services, and its tests no database.
 */
import { Hono } from 'hono';
import { createBaseApp } from '#shared/http/app.ts';
import type { AppEnv } from '#shared/http/context.ts';
import type { Services } from '#shared/services.ts';
import { ScimError } from './rfc/errors.ts';
import { scimAuth, type ScimEnv } from './routes/auth.ts';
import { discoveryRoutes } from './routes/discovery.ts';
import { groupRoutes } from './routes/groups.ts';
import { scimErrorHandler, scimErrorResponse } from './routes/on-error.ts';
import { userRoutes } from './routes/users.ts';

/** The `scim` function: SCIM 2.0 service provider at `/scim/v2`, errors per RFC 7644 §3.12; `options.membersChars` as `groupRoutes` takes it. */
export function createScimApp(services: Services, options: { readonly membersChars?: number } = {}): Hono<AppEnv> {
  const app = createBaseApp('scim', services);
  app.onError(scimErrorHandler(services));
  app.notFound((c) => scimErrorResponse(c, new ScimError(404, `no route for \`${c.req.method} ${c.req.path}\``)));

  const scim = new Hono<ScimEnv>();
  scim.use(scimAuth(services));
  scim.route('/', discoveryRoutes());
  scim.route('/Users', userRoutes(services));
  scim.route('/Groups', groupRoutes(services, options.membersChars));
  scim.all('/Me', () => {
    throw new ScimError(501, '`/Me` is not supported: a SCIM token authenticates an identity manager, not a user');
  });
  scim.all('/Bulk', () => {
    throw new ScimError(501, 'bulk operations are not supported');
  });
  app.route('/scim/v2', scim);
  return app;
}
