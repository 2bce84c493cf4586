import { Hono, type Context } from 'hono';
import * as z from 'zod';
import { readQuery } from '#shared/http/body.ts';
import type { AppEnv } from '#shared/http/context.ts';
import { isSelf } from '#shared/http/auth.ts';
import { badRequest, forbidden } from '#shared/http/errors.ts';
import { iamIdSchema, idSchema } from '#shared/model/identity.ts';
import type { RefreshServices } from '#shared/userinfo/refresh.ts';
import { toUserInfoBody } from '#shared/userinfo/immuta-body.ts';
import { freshView, pathParam } from './params.ts';

const querySchema = z.object({ userid: idSchema, iamid: iamIdSchema.optional() });

/**
 * `GET /userinfo?userid=&iamid=` and `GET /userinfo/{iamid}?userid=`: Immuta's *External
 * Groups and Authorizations Endpoint*. The path form names one IAM without a query string of
 * its own, so Immuta can append `?userid=` to it. The user itself may ask (an impersonation
 * token only about its own user); anyone else needs `QUERY_ENGINE` or `USER_ADMIN`.
 */
export function userinfoRoutes(services: RefreshServices): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  const answer = async (c: Context<AppEnv>, iamid: string, userid: string): Promise<Response> => {
    const caller = c.get('caller');
    const self = isSelf(caller, iamid, userid);
    if (!self && caller.impersonation) throw forbidden('an impersonation token may only ask about its own user');
    if (!self && !caller.permissions.has('QUERY_ENGINE') && !caller.permissions.has('USER_ADMIN')) {
      throw forbidden('requires permission `QUERY_ENGINE` or `USER_ADMIN`, or to be the user');
    }
    return c.json(toUserInfoBody(await freshView(services, iamid, userid)));
  };

  app.get('/', (c) => {
    const query = readQuery(c, querySchema);
    return answer(c, query.iamid ?? services.config.defaultIam, query.userid);
  });

  app.get('/:iamid', (c) => {
    const iamid = pathParam(c, 'iamid', iamIdSchema);
    const query = readQuery(c, querySchema);
    if (query.iamid !== undefined && query.iamid !== iamid) {
      throw badRequest(`query \`iamid\` \`${query.iamid}\` differs from the path's iam \`${iamid}\``);
    }
    return answer(c, iamid, query.userid);
  });

  return app;
}
