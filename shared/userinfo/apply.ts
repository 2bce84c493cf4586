import type { AuditInput } from '#shared/audit/record.ts';
import { dictFrom } from '#shared/model/dict.ts';
import type { Attributes } from '#shared/model/identity.ts';
import type { Services } from '#shared/services.ts';
import type { UserAggregate } from '#shared/store/user-record.ts';
import type { ImmutaUserInfo } from './immuta-body.ts';

/** What one external answer changed for a user. */
export interface AppliedChanges {
  readonly attributesChanged: boolean;
  readonly groupsAdded: readonly string[];
  readonly groupsRemoved: readonly string[];
}

/** True when anything changed. */
export const changed = (c: AppliedChanges): boolean => c.attributesChanged || c.groupsAdded.length > 0 || c.groupsRemoved.length > 0;

/** The audit record of what an IAM's external source did to one of its users (or failed to). */
export function externalSourceAudit(iamid: string, userid: string, payload: Record<string, unknown>, actionStatus: AuditInput['actionStatus'] = 'SUCCESS'): AuditInput {
  return { actor: { type: 'iam', id: iamid }, action: 'EXTERNAL_SOURCE', actionStatus, targetType: 'user', targets: [userid], payload: { iamid, ...payload } };
}

/**
 * Makes the user's `external` values exactly the answer: attribute keys and group
 * memberships it no longer sends are removed; groups are created by name as needed. Each
 * write carries its own audit record in the same transaction.
 */
export async function applyExternal(services: Pick<Services, 'users' | 'groups'>, user: UserAggregate, info: ImmutaUserInfo): Promise<AppliedChanges> {
  const { iamid, userid } = user.profile;
  const values: Attributes = dictFrom(Object.entries(info.authorizations).filter(([, vals]) => vals.length > 0));
  // The audit lists keys as values: a map keyed by the source's names could not be stored (see `scimDocument`).
  const recorded = Object.entries(values).map(([key, vals]) => ({ key, values: vals }));
  const attributesChanged = await services.users.replaceSourceAttributes(user, 'external', values, externalSourceAudit(iamid, userid, { attributes: recorded }));

  const current = new Set([...user.memberships].filter(([, sources]) => sources.has('external')).map(([gid]) => gid));
  // Group id → name sent; a group the IAM does not have yet is keyed by its name until created
  // (names are unique per IAM, case-insensitively, so an existing SCIM or manual group is joined).
  const wanted = new Map<string, string>();
  for (const { name } of info.groups) {
    const id = await services.groups.idByName(iamid, name);
    wanted.set(id ?? `new:${name.toLowerCase()}`, name);
  }
  const groupsAdded: string[] = [];
  for (const [id, name] of wanted) {
    if (current.has(id)) continue;
    const group = id.startsWith('new:')
      ? await services.groups.getOrCreateByName(iamid, name, { ...externalSourceAudit(iamid, userid, { group: name }), action: 'CREATE', targetType: 'group', targets: [name] })
      : { id };
    await services.groups.addMembers(iamid, group.id, [userid], 'external', externalSourceAudit(iamid, userid, { addedToGroup: name }));
    groupsAdded.push(name);
  }
  const groupsRemoved: string[] = [];
  for (const gid of current) {
    if (wanted.has(gid)) continue;
    const g = await services.groups.get(iamid, gid);
    await services.groups.removeMembers(iamid, gid, [userid], 'external', externalSourceAudit(iamid, userid, { removedFromGroup: g?.profile.displayName ?? gid }));
    groupsRemoved.push(g?.profile.displayName ?? gid);
  }
  return { attributesChanged, groupsAdded, groupsRemoved };
}
