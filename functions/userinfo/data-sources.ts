import type { DecisionService } from '#shared/decision-service/index.ts';
import { RouteGroup } from '#shared/http/route-group.ts';
import { listUserDataSources } from '#shared/http/routes/userinfo.ts';
import type { DecidingServices } from '#shared/services.ts';

/**
 * `GET /v1/users/{iamid}/{userid}/data-sources`: every source the user may query, from the
 * same cached snapshot as decisions; one audit record.
 */
export function userDataSourceRoutes(services: Pick<DecidingServices, 'decisions'>, decisions: DecisionService = services.decisions): RouteGroup {
  const app = new RouteGroup('/v1/users');
  app.serve(listUserDataSources, async (c, { params }) => {
    const dataSources = await decisions.accessible({ caller: c.get('caller'), requestId: c.get('requestId') }, params);
    return c.json({ dataSources }, 200);
  });
  return app;
}
