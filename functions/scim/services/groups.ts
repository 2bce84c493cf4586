import { randomUUID } from 'node:crypto';
import type { Services } from '#shared/services.ts';
import { allPages } from '#shared/store/cursor.ts';
import type { GroupRecord } from '#shared/store/groups.ts';
import { scimGroupIds } from '#shared/store/scim.ts';
import { ScimError } from '../rfc/errors.ts';
import { indexableEquality, relationConjunct, relationIds, withRelation } from '../rfc/filter-lookups.ts';
import type { Filter } from '../rfc/filter.ts';
import { assertIfMatch } from '../rfc/if-match.ts';
import { matchesFilter } from '../rfc/match.ts';
import { normaliseGroup } from '../rfc/normalise.ts';
import { applyPatch } from '../rfc/patch.ts';
import { getIgnoringCase, type ScimResource } from '../rfc/path.ts';
import { meta } from '../rfc/render.ts';
import { assertStorable, MAX_INDEXED_VALUE } from '../rfc/storable.ts';
import { scimChangeAudit } from './audit.ts';
import { Membership } from './membership.ts';
import { retryRaces } from './retry.ts';
import type { Scope } from './scope.ts';

/** The SCIM Group of a stored profile, without members (they are added only when asked for). */
export function groupResource(g: GroupRecord, baseUrl: string): ScimResource {
  const scim = g.scim ?? {};
  return { schemas: scim.schemas, id: g.id, ...scim, displayName: g.displayName, meta: meta('Group', g, `${baseUrl}/Groups/${g.id}`) };
}

function fields(resource: ScimResource): Pick<GroupRecord, 'displayName' | 'externalId' | 'scim'> {
  assertStorable(resource, ['displayName', 'externalId']);
  const externalId = typeof resource.externalId === 'string' && resource.externalId ? resource.externalId : undefined;
  return { displayName: resource.displayName as string, externalId, scim: resource };
}

/** SCIM Groups of one IAM: Warden groups of that IAM, members one item each with source `scim`. */
export class ScimGroups {
  readonly members: Membership;
  constructor(private readonly services: Services) {
    this.members = new Membership(services);
  }

  /** The stored group, or 404. */
  async get(scope: Scope, id: string): Promise<GroupRecord> {
    const agg = id.length > MAX_INDEXED_VALUE ? undefined : await this.services.groups.get(scope.iamid, id);
    if (!agg) throw new ScimError(404, `group \`${id}\` not found`);
    return agg.profile;
  }

  /** POST /Groups: members are validated before anything is written. */
  async create(scope: Scope, body: unknown): Promise<GroupRecord> {
    const { resource, members } = normaliseGroup(body);
    const f = fields(resource);
    const userids = await this.members.userids(scope.iamid, members, true);
    const id = randomUUID();
    const group = await this.services.groups.create({ iamid: scope.iamid, id, ...f }, scimChangeAudit(scope, 'CREATE', 'group', [id], { displayName: f.displayName }));
    await this.members.apply(scope.iamid, group.id, { add: userids, remove: [] });
    return group;
  }

  /**
   * PUT (`body`) or PATCH (`patch`). Membership changes do not bump the group's version, so
   * concurrent member PATCHes never conflict; the ETag covers the group's own attributes.
   */
  async change(scope: Scope, id: string, ifMatch: string | undefined, edit: { put: unknown } | { patch: unknown }): Promise<GroupRecord> {
    let planned: { add: string[]; remove: string[] } | undefined;
    let audited = false;
    const group = await retryRaces(
      async () => {
        const current = await this.get(scope, id);
        assertIfMatch(ifMatch, current.version);
        let resource: ScimResource;
        let delta;
        if ('put' in edit) {
          const n = normaliseGroup(edit.put, current.scim);
          resource = n.resource;
          if (getIgnoringCase(edit.put, 'members') !== undefined) delta = { add: [], remove: [], replaceAll: n.members };
        } else {
          const patched = applyPatch({ ...(current.scim ?? {}), displayName: current.displayName, id }, edit.patch, 'Group');
          resource = normaliseGroup(patched.resource, current.scim).resource;
          delta = patched.members;
        }
        const f = fields(resource);
        planned = delta ? await this.members.plan(scope.iamid, id, delta) : undefined;
        if (JSON.stringify(f.scim) === JSON.stringify(current.scim) && f.displayName === current.displayName) return current;
        audited = true;
        return this.services.groups.update(current, f, scimChangeAudit(scope, 'UPDATE', 'group', [id], { displayName: f.displayName }));
      },
      { versions: ifMatch === undefined },
    );
    if (planned) {
      const audit = audited ? undefined : scimChangeAudit(scope, 'UPDATE', 'group', [id], { added: planned.add.length, removed: planned.remove.length });
      await this.members.apply(scope.iamid, id, planned, audit);
    }
    return group;
  }

  /** DELETE: the group, its memberships and markers. */
  async delete(scope: Scope, id: string, ifMatch: string | undefined): Promise<void> {
    const group = await this.get(scope, id);
    assertIfMatch(ifMatch, group.version);
    await this.services.groups.delete(scope.iamid, id, scimChangeAudit(scope, 'DELETE', 'group', [id], { displayName: group.displayName }));
  }

  /**
   * Groups matching `filter`, in id order; `eq` on id, displayName or externalId reads only
   * candidates, and so does a member (`members eq "<user id>"`): the groups of a user are
   * read from that user's membership items, never by reading every group.
   */
  async search(scope: Scope, filter: Filter | undefined): Promise<ScimResource[]> {
    const related = filter ? await this.groupsOfMembers(scope.iamid, relationIds(filter, 'members')) : new Map<string, Set<string>>();
    const records = await this.candidates(scope.iamid, filter, related);
    const resources = records.map((g) => groupResource(g, scope.baseUrl));
    if (!filter) return resources;
    return resources.filter((r) => matchesFilter(filter, related.size ? withRelation(r, 'members', related, r.id as string) : r));
  }

  /** SCIM user id → ids of the groups it is a SCIM member of (none for an unknown id). */
  private async groupsOfMembers(iamid: string, scimIds: readonly string[]): Promise<Map<string, Set<string>>> {
    const userids = await Promise.all(scimIds.map((id) => this.members.userids(iamid, [id], false)));
    const groups = await Promise.all(userids.map(([u]) => (u === undefined ? [] : scimGroupIds(this.services.db, iamid, u))));
    return new Map(scimIds.map((id, i) => [id, new Set(groups[i])]));
  }

  private async candidates(iamid: string, filter: Filter | undefined, related: ReadonlyMap<string, ReadonlySet<string>>): Promise<GroupRecord[]> {
    const eq = filter && indexableEquality(filter);
    const member = filter && relationConjunct(filter, 'members');
    const { groups } = this.services;
    if ((!eq || eq.attr === 'userName') && member === undefined) return this.all(iamid);
    if (eq && eq.value.length > MAX_INDEXED_VALUE) return [];
    let ids: string[];
    if (eq?.attr === 'id') ids = [eq.value];
    else if (eq?.attr === 'displayName') ids = [await groups.idByName(iamid, eq.value)].filter((x): x is string => x !== undefined);
    else if (member !== undefined) ids = [...(related.get(member) ?? [])];
    else ids = await groups.idsByExternalId(iamid, eq!.value);
    const found = await Promise.all(ids.sort().map((id) => groups.get(iamid, id)));
    return found.flatMap((g) => (g ? [g.profile] : []));
  }

  private all(iamid: string): Promise<GroupRecord[]> {
    return allPages(async (cursor) => {
      const page = await this.services.groups.list(iamid, { limit: 1000, cursor });
      return { items: page.groups, cursor: page.cursor };
    });
  }
}
