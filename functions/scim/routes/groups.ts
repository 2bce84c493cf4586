import { Hono, type Context } from 'hono';
import { etag } from '#shared/http/etag.ts';
import type { Services } from '#shared/services.ts';
import type { GroupRecord } from '#shared/store/groups.ts';
import { TooManyError } from '../rfc/errors.ts';
import type { ScimResource } from '../rfc/path.ts';
import { attributeProjection, type ProjectionOptions } from '../rfc/projection.ts';
import { listParams, projectionParams, returnsAttribute, searchParams, type ListParams } from '../rfc/query.ts';
import { groupResource, ScimGroups } from '../services/groups.ts';
import { MemberBudget } from '../services/membership.ts';
import type { ScimEnv } from './auth.ts';
import { queryOf, readScimBody } from './request.ts';
import { notModified, notModifiedResponse, pageOf, resourceResponse, scimJson } from './respond.ts';
import { scopeOf } from './scope.ts';

/** Four MiB of members in one answer leaves room for the rest of a 6 MB Lambda response. */
export const MAX_MEMBERS_CHARS = 4 * 1024 * 1024;

/** `/scim/v2/Groups`; `membersChars` bounds the members one response lists (see `MemberBudget`). */
export function groupRoutes(services: Services, membersChars = MAX_MEMBERS_CHARS): Hono<ScimEnv> {
  const groups = new ScimGroups(services);
  const app = new Hono<ScimEnv>();

  /** A group with its members unless the projection leaves them out (then the member list is never read). */
  const withMembers = async (c: Context<ScimEnv>, resource: ScimResource, projection: ProjectionOptions, budget: MemberBudget): Promise<ScimResource> => {
    if (!returnsAttribute(projection, 'members')) return resource;
    const scope = scopeOf(c);
    const members = await groups.members.render(scope.iamid, resource.id as string, scope.baseUrl, budget);
    return members.length ? { ...resource, members } : resource;
  };

  const single = async (c: Context<ScimEnv>, g: GroupRecord, projection: ProjectionOptions, status = 200): Promise<Response> => {
    const resource = await withMembers(c, groupResource(g, scopeOf(c).baseUrl), projection, new MemberBudget(membersChars));
    return resourceResponse(c, attributeProjection(resource, projection), g.version, status);
  };

  // A write has happened by the time it is answered: a 4xx would say otherwise, so a group too
  // large to list is answered as `excludedAttributes=members` would show it.
  const written = async (c: Context<ScimEnv>, g: GroupRecord, status: number): Promise<Response> => {
    try {
      return await single(c, g, {}, status);
    } catch (err) {
      if (!(err instanceof TooManyError)) throw err;
      return single(c, g, { excludedAttributes: 'members' }, status);
    }
  };

  // One budget for the whole page: its groups' members share the one response.
  const list = async (c: Context<ScimEnv>, params: ListParams) => {
    const matches = await groups.search(scopeOf(c), params.filter);
    const budget = new MemberBudget(membersChars);
    return scimJson(c, await pageOf(matches, params, (page) => Promise.all(page.map((r) => withMembers(c, r, params, budget)))));
  };
  app.get('/', (c) => list(c, listParams(queryOf(c))));
  app.post('/.search', async (c) => list(c, searchParams(await readScimBody(c))));

  app.post('/', async (c) => {
    const g = await groups.create(scopeOf(c), await readScimBody(c));
    return written(c, g, 201);
  });

  app.get('/:id', async (c) => {
    const g = await groups.get(scopeOf(c), c.req.param('id'));
    if (notModified(c, g.version)) return notModifiedResponse(c, g.version);
    return single(c, g, projectionParams(queryOf(c)));
  });

  app.put('/:id', async (c) => {
    const body = await readScimBody(c);
    return written(c, await groups.change(scopeOf(c), c.req.param('id'), c.req.header('if-match'), { put: body }), 200);
  });

  // Entra expects 204 from a Group PATCH; answering without the member list also keeps it cheap.
  app.patch('/:id', async (c) => {
    const body = await readScimBody(c);
    const g = await groups.change(scopeOf(c), c.req.param('id'), c.req.header('if-match'), { patch: body });
    return c.body(null, 204, { etag: etag(g.version) });
  });

  app.delete('/:id', async (c) => {
    await groups.delete(scopeOf(c), c.req.param('id'), c.req.header('if-match'));
    return c.body(null, 204);
  });

  return app;
}
