import { Hono } from 'hono';
import * as z from 'zod';
import { readQuery } from '#shared/http/body.ts';
import type { AppEnv } from '#shared/http/context.ts';
import { isSelf } from '#shared/http/auth.ts';
import { forbidden } from '#shared/http/errors.ts';
import { iamIdSchema, idSchema } from '#shared/model/identity.ts';
import type { Services } from '#shared/services.ts';
import { toUserInfoBody } from '#shared/userinfo/immuta-body.ts';
import { freshView } from './params.ts';

const querySchema = z.object({ userid: idSchema, iamid: iamIdSchema.optional() });

/**
 * `GET /userinfo?userid=&iamid=`: Immuta's *External Groups and Authorizations Endpoint*. The
 * user itself may ask (an impersonation token only about its own user); anyone else needs
 * `QUERY_ENGINE` or `USER_ADMIN`.
 */
export function userinfoRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/', async (c) => {
    const caller = c.get('caller');
    const query = readQuery(c, querySchema);
    const iamid = query.iamid ?? services.config.defaultIam;
    const self = isSelf(caller, iamid, query.userid);
    if (!self && caller.impersonation) throw forbidden('an impersonation token may only ask about its own user');
    if (!self && !caller.permissions.has('QUERY_ENGINE') && !caller.permissions.has('USER_ADMIN')) {
      throw forbidden('requires permission `QUERY_ENGINE` or `USER_ADMIN`, or to be the user');
    }
    return c.json(toUserInfoBody(await freshView(services, iamid, query.userid)));
  });

  return app;
}
