import { Hono, type Context } from 'hono';
import type { Services } from '#shared/services.ts';
import type { UserRecord } from '#shared/store/user-record.ts';
import { attributeProjection } from '../rfc/projection.ts';
import { listParams, projectionParams, searchParams, type ListParams } from '../rfc/query.ts';
import { ScimUsers, userResource } from '../services/users.ts';
import type { ScimEnv } from './auth.ts';
import { queryOf, readScimBody } from './request.ts';
import { notModified, notModifiedResponse, pageOf, resourceResponse, scimJson } from './respond.ts';
import { scopeOf } from './scope.ts';

/** `/scim/v2/Users`. */
export function userRoutes(services: Services): Hono<ScimEnv> {
  const users = new ScimUsers(services);
  const app = new Hono<ScimEnv>();

  const list = async (c: Context<ScimEnv>, params: ListParams) => {
    const scope = scopeOf(c);
    return scimJson(c, await pageOf(await users.search(scope, params.filter), params, (page) => users.resources(scope, page, params)));
  };
  app.get('/', (c) => list(c, listParams(queryOf(c))));
  app.post('/.search', async (c) => list(c, searchParams(await readScimBody(c))));

  app.post('/', async (c) => {
    const scope = scopeOf(c);
    const record = await users.create(scope, await readScimBody(c));
    return resourceResponse(c, userResource(record, scope.baseUrl), record.version, 201);
  });

  /** A changed user with its groups (read again: a write never changes them). */
  const changed = async (c: Context<ScimEnv>, record: UserRecord): Promise<Response> => {
    const [resource] = await users.resources(scopeOf(c), [record], {});
    return resourceResponse(c, resource!, record.version);
  };

  app.get('/:id', async (c) => {
    const scope = scopeOf(c);
    const { profile, memberships } = await users.get(scope, c.req.param('id'));
    if (notModified(c, profile.version)) return notModifiedResponse(c, profile.version);
    const projection = projectionParams(queryOf(c));
    // The aggregate already holds the user's memberships: only the groups' names are read.
    const scimGroups = [...memberships].filter(([, sources]) => sources.has('scim')).map(([gid]) => gid);
    const [resource] = await users.resources(scope, [profile], projection, new Map([[profile.userid, scimGroups]]));
    return resourceResponse(c, attributeProjection(resource!, projection), profile.version);
  });

  app.put('/:id', async (c) => {
    const body = await readScimBody(c);
    return changed(c, await users.change(scopeOf(c), c.req.param('id'), c.req.header('if-match'), () => body));
  });

  app.patch('/:id', async (c) => {
    const body = await readScimBody(c);
    return changed(c, await users.patch(scopeOf(c), c.req.param('id'), body, c.req.header('if-match')));
  });

  app.delete('/:id', async (c) => {
    await users.delete(scopeOf(c), c.req.param('id'), c.req.header('if-match'));
    return c.body(null, 204);
  });

  return app;
}
