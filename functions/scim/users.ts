import { Hono, type Context } from 'hono';
import type { Services } from '#shared/services.ts';
import type { ScimEnv } from './auth.ts';
import { readScimBody } from './body.ts';
import { attributeProjection } from './projection.ts';
import { listParams, pageOf, projectionParams, searchParams, type ListParams } from './query.ts';
import { resourceResponse, scimJson } from './render.ts';
import { scopeOf } from './scope.ts';
import { ScimUsers, userResource } from './user-service.ts';

/** `/scim/v2/Users`. */
export function userRoutes(services: Services): Hono<ScimEnv> {
  const users = new ScimUsers(services);
  const app = new Hono<ScimEnv>();

  const list = async (c: Context<ScimEnv>, params: ListParams) => scimJson(c, await pageOf(await users.search(scopeOf(c), params.filter), params));
  app.get('/', (c) => list(c, listParams(c)));
  app.post('/.search', async (c) => list(c, searchParams(await readScimBody(c))));

  app.post('/', async (c) => {
    const scope = scopeOf(c);
    const record = await users.create(scope, await readScimBody(c));
    return resourceResponse(c, userResource(record, scope.baseUrl), record.version, 201);
  });

  app.get('/:id', async (c) => {
    const scope = scopeOf(c);
    const record = await users.get(scope, c.req.param('id'));
    return resourceResponse(c, attributeProjection(userResource(record, scope.baseUrl), projectionParams(c)), record.version);
  });

  app.put('/:id', async (c) => {
    const scope = scopeOf(c);
    const body = await readScimBody(c);
    const record = await users.change(scope, c.req.param('id'), c.req.header('if-match'), () => body);
    return resourceResponse(c, userResource(record, scope.baseUrl), record.version);
  });

  app.patch('/:id', async (c) => {
    const scope = scopeOf(c);
    const body = await readScimBody(c);
    const record = await users.patch(scope, c.req.param('id'), body, c.req.header('if-match'));
    return resourceResponse(c, userResource(record, scope.baseUrl), record.version);
  });

  app.delete('/:id', async (c) => {
    await users.delete(scopeOf(c), c.req.param('id'), c.req.header('if-match'));
    return c.body(null, 204);
  });

  return app;
}
