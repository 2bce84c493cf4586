import type { Context } from 'hono';
import { changeAudit } from '#shared/http/audit.ts';
import type { AppEnv } from '#shared/http/context.ts';
import { notFound } from '#shared/http/errors.ts';
import { RouteGroup } from '#shared/http/route-group.ts';
import { addGroupMember, deleteGroupAttribute, putGroupAttribute, removeGroupMember } from '#shared/http/routes/userinfo.ts';
import { SOURCES, type Attributes, type Source } from '#shared/model/identity.ts';
import type { Services } from '#shared/services.ts';
import type { GroupRecord } from '#shared/store/groups.ts';
import { toUserJson } from '#shared/userinfo/user-json.ts';
import { requireIam, requireView } from './params.ts';

/** A group as the path names it. */
interface GroupName {
  readonly iamid: string;
  readonly name: string;
}

/**
 * Manual group attributes and memberships (`/v1/groups`). A group named in the path is created
 * (as a manual group of the IAM) when it does not exist yet, as Immuta lets admins create
 * groups: setting an attribute or adding a member is how an admin brings a group into being.
 */
export function groupRoutes(services: Pick<Services, 'groups' | 'users' | 'iams' | 'config'>): RouteGroup {
  const app = new RouteGroup('/v1/groups');

  async function pathGroup(c: Context<AppEnv>, { iamid, name }: GroupName): Promise<GroupRecord> {
    await requireIam(services, iamid);
    return services.groups.getOrCreateByName(iamid, name, changeAudit(c, { action: 'CREATE', targetType: 'group', targets: [name], payload: { iamid, source: 'manual' } }));
  }

  async function groupJson(group: GroupRecord) {
    const g = await services.groups.get(group.iamid, group.id);
    if (!g) throw notFound(`group \`${group.displayName}\` not found in iam \`${group.iamid}\``);
    const sources = Object.fromEntries(SOURCES.map((s) => [s, g.attributes[s] ?? {}])) as Record<Source, Attributes>;
    return { iamid: g.profile.iamid, id: g.profile.id, name: g.profile.displayName, sources };
  }

  /** The id of the group of the path, which must exist (removals never create one). */
  async function existingGroup({ iamid, name }: GroupName): Promise<string> {
    const id = await services.groups.idByName(iamid, name);
    if (!id) throw notFound(`group \`${name}\` not found in iam \`${iamid}\``);
    return id;
  }

  app.serve(putGroupAttribute, async (c, { params, body: { values } }) => {
    const { key } = params;
    const group = await pathGroup(c, params);
    const { iamid, id, displayName } = group;
    const audit = changeAudit(c, { action: 'SET_ATTRIBUTE', targetType: 'group', targets: [displayName], payload: { iamid, groupId: id, source: 'manual', key, values } });
    await services.groups.setAttributes(iamid, id, 'manual', { [key]: values }, audit);
    return c.json(await groupJson(group), 200);
  });

  app.serve(deleteGroupAttribute, async (c, { params: { iamid, name, key } }) => {
    const id = await existingGroup({ iamid, name });
    const audit = changeAudit(c, { action: 'DELETE_ATTRIBUTE', targetType: 'group', targets: [name], payload: { iamid, groupId: id, source: 'manual', key } });
    await services.groups.setAttributes(iamid, id, 'manual', { [key]: [] }, audit);
    return c.body(null, 204);
  });

  app.serve(addGroupMember, async (c, { params, body: { userid } }) => {
    const { iamid } = params;
    // Checked before the group is created, so a typo in the userid creates nothing.
    if (!(await services.users.getProfile(iamid, userid))) throw notFound(`user \`${userid}\` not found in iam \`${iamid}\``);
    const group = await pathGroup(c, params);
    const audit = changeAudit(c, { action: 'ADD_MEMBER', targetType: 'group', targets: [group.displayName, userid], payload: { iamid, groupId: group.id, userid, source: 'manual' } });
    await services.groups.addMembers(iamid, group.id, [userid], 'manual', audit);
    return c.json(toUserJson(await requireView(services, iamid, userid)), 200);
  });

  app.serve(removeGroupMember, async (c, { params: { iamid, name, userid } }) => {
    const id = await existingGroup({ iamid, name });
    const audit = changeAudit(c, { action: 'REMOVE_MEMBER', targetType: 'group', targets: [name, userid], payload: { iamid, groupId: id, userid, source: 'manual' } });
    await services.groups.removeMembers(iamid, id, [userid], 'manual', audit);
    return c.body(null, 204);
  });

  return app;
}
