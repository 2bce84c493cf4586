import type { Context } from 'hono';
import { Hono } from 'hono';
import * as z from 'zod';
import { readBody } from '#shared/http/body.ts';
import type { AppEnv } from '#shared/http/context.ts';
import { requirePermission } from '#shared/http/auth.ts';
import { notFound } from '#shared/http/errors.ts';
import { attributeKeySchema, groupNameSchema, iamIdSchema, idSchema, SOURCES, type Attributes, type Source } from '#shared/model/identity.ts';
import type { Services } from '#shared/services.ts';
import type { GroupRecord } from '#shared/store/groups.ts';
import { toUserJson } from '#shared/userinfo/user-json.ts';
import { changeAudit } from '#shared/http/audit.ts';
import { pathParam, requireIam, requireView, valuesBodySchema } from './params.ts';

const memberSchema = z.strictObject({ userid: idSchema });

/**
 * Manual group attributes and memberships (`/v1/groups`). A group named in the path is created
 * (as a manual group of the IAM) when it does not exist yet, as Immuta lets admins create
 * groups: setting an attribute or adding a member is how an admin brings a group into being.
 */
export function groupRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  async function pathGroup(c: Context<AppEnv>): Promise<GroupRecord> {
    const iamid = pathParam(c, 'iamid', iamIdSchema);
    const name = pathParam(c, 'name', groupNameSchema);
    await requireIam(services, iamid);
    return services.groups.getOrCreateByName(
      iamid,
      name,
      changeAudit(c, { action: 'CREATE', targetType: 'group', targets: [name], payload: { iamid, source: 'manual' } }),
    );
  }

  async function groupJson(group: GroupRecord) {
    const g = await services.groups.get(group.iamid, group.id);
    if (!g) throw notFound(`group \`${group.displayName}\` not found in iam \`${group.iamid}\``);
    const sources = Object.fromEntries(SOURCES.map((s) => [s, g.attributes[s] ?? {}])) as Record<Source, Attributes>;
    return { iamid: g.profile.iamid, id: g.profile.id, name: g.profile.displayName, sources };
  }

  /** The group of the path, which must exist (removals never create one). */
  async function existingGroup(c: Context<AppEnv>): Promise<{ iamid: string; name: string; id: string }> {
    const iamid = pathParam(c, 'iamid', iamIdSchema);
    const name = pathParam(c, 'name', groupNameSchema);
    const id = await services.groups.idByName(iamid, name);
    if (!id) throw notFound(`group \`${name}\` not found in iam \`${iamid}\``);
    return { iamid, name, id };
  }

  app.put('/:iamid/:name/attributes/:key', async (c) => {
    requirePermission(c, 'USER_ADMIN');
    const key = pathParam(c, 'key', attributeKeySchema);
    const { values } = await readBody(c, valuesBodySchema);
    const group = await pathGroup(c);
    await services.groups.setAttributes(
      group.iamid,
      group.id,
      'manual',
      { [key]: values },
      changeAudit(c, { action: 'SET_ATTRIBUTE', targetType: 'group', targets: [group.displayName], payload: { iamid: group.iamid, groupId: group.id, source: 'manual', key, values } }),
    );
    return c.json(await groupJson(group));
  });

  app.delete('/:iamid/:name/attributes/:key', async (c) => {
    requirePermission(c, 'USER_ADMIN');
    const { iamid, name, id } = await existingGroup(c);
    const key = pathParam(c, 'key', attributeKeySchema);
    await services.groups.setAttributes(
      iamid,
      id,
      'manual',
      { [key]: [] },
      changeAudit(c, { action: 'DELETE_ATTRIBUTE', targetType: 'group', targets: [name], payload: { iamid, groupId: id, source: 'manual', key } }),
    );
    return c.body(null, 204);
  });

  app.post('/:iamid/:name/members', async (c) => {
    requirePermission(c, 'USER_ADMIN');
    const iamid = pathParam(c, 'iamid', iamIdSchema);
    const { userid } = await readBody(c, memberSchema);
    // Checked before the group is created, so a typo in the userid creates nothing.
    if (!(await services.users.getProfile(iamid, userid))) throw notFound(`user \`${userid}\` not found in iam \`${iamid}\``);
    const group = await pathGroup(c);
    await services.groups.addMembers(
      iamid,
      group.id,
      [userid],
      'manual',
      changeAudit(c, { action: 'ADD_MEMBER', targetType: 'group', targets: [group.displayName, userid], payload: { iamid, groupId: group.id, userid, source: 'manual' } }),
    );
    return c.json(toUserJson(await requireView(services, iamid, userid)));
  });

  app.delete('/:iamid/:name/members/:userid', async (c) => {
    requirePermission(c, 'USER_ADMIN');
    const { iamid, name, id } = await existingGroup(c);
    const userid = pathParam(c, 'userid', idSchema);
    await services.groups.removeMembers(
      iamid,
      id,
      [userid],
      'manual',
      changeAudit(c, { action: 'REMOVE_MEMBER', targetType: 'group', targets: [name, userid], payload: { iamid, groupId: id, userid, source: 'manual' } }),
    );
    return c.body(null, 204);
  });

  return app;
}
