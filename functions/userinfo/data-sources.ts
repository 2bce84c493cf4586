import { Hono } from 'hono';
import { isSelf } from '#shared/http/auth.ts';
import type { AppEnv } from '#shared/http/context.ts';
import { badRequest, forbidden } from '#shared/http/errors.ts';
import { iamIdSchema, idSchema } from '#shared/model/identity.ts';
import type { DecidingServices } from '#shared/services.ts';
import type { DecisionService } from '#shared/decision-service/index.ts';

/**
 * `GET /v1/users/{iamid}/{userid}/data-sources` (self, QUERY_ENGINE or GOVERNANCE): every
 * source the user may query, from the same cached snapshot as decisions; one audit record.
 */
export function userDataSourceRoutes(services: Pick<DecidingServices, 'decisions'>, decisions: DecisionService = services.decisions): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/:iamid/:userid/data-sources', async (c) => {
    const iamid = c.req.param('iamid');
    const userid = c.req.param('userid');
    if (!iamIdSchema.safeParse(iamid).success) throw badRequest(`invalid iamid \`${iamid.slice(0, 100)}\``);
    if (!idSchema.safeParse(userid).success) throw badRequest(`invalid userid \`${userid.slice(0, 100)}\``);
    const caller = c.get('caller');
    if (!isSelf(caller, iamid, userid) && !caller.permissions.has('QUERY_ENGINE') && !caller.permissions.has('GOVERNANCE')) {
      throw forbidden('listing another user\'s data sources requires permission `QUERY_ENGINE` or `GOVERNANCE`');
    }
    const dataSources = await decisions.accessible({ caller, requestId: c.get('requestId') }, { iamid, userid });
    return c.json({ dataSources });
  });
  return app;
}
