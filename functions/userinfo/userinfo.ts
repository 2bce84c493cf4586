import { RouteGroup } from '#shared/http/route-group.ts';
import { getIamUserInfo, getUserInfo, userOfIamPath } from '#shared/http/routes/userinfo.ts';
import { toUserInfoBody } from '#shared/userinfo/immuta-body.ts';
import type { RefreshServices } from '#shared/userinfo/refresh.ts';
import { freshView } from './params.ts';

/**
 * `GET /userinfo?userid=&iamid=` and `GET /userinfo/{iamid}?userid=`: Immuta's *External
 * Groups and Authorizations Endpoint*. The path form names one IAM without a query string of
 * its own, so Immuta can append `?userid=` to it.
 */
export function userinfoRoutes(services: RefreshServices): RouteGroup {
  const app = new RouteGroup('/userinfo');

  app.serve(getUserInfo, async (c, { query }) => c.json(toUserInfoBody(await freshView(services, query.iamid ?? services.config.defaultIam, query.userid)), 200));

  app.serve(getIamUserInfo, async (c, input) => {
    const { iamid, userid } = userOfIamPath(input);
    return c.json(toUserInfoBody(await freshView(services, iamid, userid)), 200);
  });

  return app;
}
