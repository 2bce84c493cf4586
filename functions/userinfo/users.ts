import { changeAudit } from '#shared/http/audit.ts';
import { notFound } from '#shared/http/errors.ts';
import { RouteGroup } from '#shared/http/route-group.ts';
import { createUser, deleteUserAttribute, getUser, putUserAttribute, putUserPermissions } from '#shared/http/routes/userinfo.ts';
import type { RefreshServices } from '#shared/userinfo/refresh.ts';
import { toUserJson } from '#shared/userinfo/user-json.ts';
import { freshView, requireIam, requireView } from './params.ts';

/** Users: create, read with provenance, permissions, manual attribute values (`/v1/users`). */
export function userRoutes(services: RefreshServices): RouteGroup {
  const app = new RouteGroup('/v1/users');

  app.serve(createUser, async (c, { body }) => {
    const iamid = body.iamid ?? services.config.defaultIam;
    await requireIam(services, iamid);
    const { userid, displayName, email } = body;
    await services.users.create(
      { iamid, userid, displayName, ...(email ? { email } : {}) },
      changeAudit(c, { action: 'CREATE', targetType: 'user', targets: [userid], payload: { iamid, displayName, email } }),
    );
    return c.json(toUserJson(await requireView(services, iamid, userid)), 201);
  });

  app.serve(getUser, async (c, { params }) => c.json(toUserJson(await freshView(services, params.iamid, params.userid)), 200));

  app.serve(putUserPermissions, async (c, { params: { iamid, userid }, body }) => {
    const permissions = [...new Set(body.permissions)].sort();
    const current = await services.users.getProfile(iamid, userid);
    if (!current) throw notFound(`user \`${userid}\` not found in iam \`${iamid}\``);
    await services.users.update(
      current,
      { permissions },
      changeAudit(c, { action: 'UPDATE_PERMISSIONS', targetType: 'user', targets: [userid], payload: { iamid, before: current.permissions, after: permissions } }),
    );
    return c.json(toUserJson(await requireView(services, iamid, userid)), 200);
  });

  app.serve(putUserAttribute, async (c, { params: { iamid, userid, key }, body: { values } }) => {
    const audit = changeAudit(c, { action: 'SET_ATTRIBUTE', targetType: 'user', targets: [userid], payload: { iamid, source: 'manual', key, values } });
    await services.users.setAttributes(iamid, userid, 'manual', { [key]: values }, audit);
    return c.json(toUserJson(await requireView(services, iamid, userid)), 200);
  });

  app.serve(deleteUserAttribute, async (c, { params: { iamid, userid, key } }) => {
    const audit = changeAudit(c, { action: 'DELETE_ATTRIBUTE', targetType: 'user', targets: [userid], payload: { iamid, source: 'manual', key } });
    await services.users.setAttributes(iamid, userid, 'manual', { [key]: [] }, audit);
    return c.body(null, 204);
  });

  return app;
}
