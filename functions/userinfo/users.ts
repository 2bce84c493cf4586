import { Hono } from 'hono';
import * as z from 'zod';
import { readBody } from '#shared/http/body.ts';
import type { AppEnv } from '#shared/http/context.ts';
import { isSelf, requirePermission } from '#shared/http/auth.ts';
import { forbidden, notFound } from '#shared/http/errors.ts';
import { attributeKeySchema, iamIdSchema, idSchema, permissionSchema } from '#shared/model/identity.ts';
import type { Services } from '#shared/services.ts';
import { toUserJson } from '#shared/userinfo/user-json.ts';
import { changeAudit } from '#shared/http/audit.ts';
import { freshView, pathParam, pathUser, requireIam, requireView, valuesBodySchema } from './params.ts';

const createUserSchema = z.strictObject({
  iamid: iamIdSchema.optional(),
  userid: idSchema,
  displayName: z.string().min(1).max(256),
  email: z.email().max(320).optional(),
});

const permissionsSchema = z.strictObject({ permissions: z.array(permissionSchema).max(5) });

/** Users: create, read with provenance, permissions, manual attribute values (`/v1/users`). */
export function userRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post('/', async (c) => {
    requirePermission(c, 'USER_ADMIN');
    const body = await readBody(c, createUserSchema);
    const iamid = body.iamid ?? services.config.defaultIam;
    await requireIam(services, iamid);
    const { userid, displayName, email } = body;
    await services.users.create(
      { iamid, userid, displayName, ...(email ? { email } : {}) },
      changeAudit(c, { action: 'CREATE', targetType: 'user', targets: [userid], payload: { iamid, displayName, email } }),
    );
    return c.json(toUserJson(await requireView(services, iamid, userid)), 201);
  });

  app.get('/:iamid/:userid', async (c) => {
    const caller = c.get('caller');
    const { iamid, userid } = pathUser(c);
    if (!isSelf(caller, iamid, userid) && !caller.permissions.has('USER_ADMIN') && !caller.permissions.has('QUERY_ENGINE')) {
      throw forbidden('requires permission `USER_ADMIN` or `QUERY_ENGINE`, or to be the user');
    }
    return c.json(toUserJson(await freshView(services, iamid, userid)));
  });

  app.put('/:iamid/:userid/permissions', async (c) => {
    requirePermission(c, 'USER_ADMIN');
    const { iamid, userid } = pathUser(c);
    const body = await readBody(c, permissionsSchema);
    const permissions = [...new Set(body.permissions)].sort();
    const current = await services.users.getProfile(iamid, userid);
    if (!current) throw notFound(`user \`${userid}\` not found in iam \`${iamid}\``);
    await services.users.update(
      current,
      { permissions },
      changeAudit(c, { action: 'UPDATE_PERMISSIONS', targetType: 'user', targets: [userid], payload: { iamid, before: current.permissions, after: permissions } }),
    );
    return c.json(toUserJson(await requireView(services, iamid, userid)));
  });

  app.put('/:iamid/:userid/attributes/:key', async (c) => {
    requirePermission(c, 'USER_ADMIN');
    const { iamid, userid } = pathUser(c);
    const key = pathParam(c, 'key', attributeKeySchema);
    const { values } = await readBody(c, valuesBodySchema);
    await services.users.setAttributes(
      iamid,
      userid,
      'manual',
      { [key]: values },
      changeAudit(c, { action: 'SET_ATTRIBUTE', targetType: 'user', targets: [userid], payload: { iamid, source: 'manual', key, values } }),
    );
    return c.json(toUserJson(await requireView(services, iamid, userid)));
  });

  app.delete('/:iamid/:userid/attributes/:key', async (c) => {
    requirePermission(c, 'USER_ADMIN');
    const { iamid, userid } = pathUser(c);
    const key = pathParam(c, 'key', attributeKeySchema);
    await services.users.setAttributes(
      iamid,
      userid,
      'manual',
      { [key]: [] },
      changeAudit(c, { action: 'DELETE_ATTRIBUTE', targetType: 'user', targets: [userid], payload: { iamid, source: 'manual', key } }),
    );
    return c.body(null, 204);
  });

  return app;
}
