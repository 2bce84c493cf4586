import { randomUUID } from 'node:crypto';
import type { Attributes } from '#shared/model/identity.ts';
import type { Services } from '#shared/services.ts';
import { allPages } from '#shared/store/cursor.ts';
import type { UserAggregate, UserRecord } from '#shared/store/user-record.ts';
import { ScimError } from '../rfc/errors.ts';
import { extensionAttributes } from '../rfc/extension-attributes.ts';
import { indexableEquality, relationConjunct, relationIds, withRelation } from '../rfc/filter-lookups.ts';
import type { Filter } from '../rfc/filter.ts';
import { assertIfMatch } from '../rfc/if-match.ts';
import { matchesFilter } from '../rfc/match.ts';
import { isPrimary } from '../rfc/multi-valued.ts';
import { normaliseUser } from '../rfc/normalise.ts';
import { applyPatch } from '../rfc/patch.ts';
import { getIgnoringCase, type ScimResource } from '../rfc/path.ts';
import type { ProjectionOptions } from '../rfc/projection.ts';
import { returnsAttribute } from '../rfc/query.ts';
import { meta } from '../rfc/render.ts';
import { assertStorable, MAX_INDEXED_VALUE } from '../rfc/storable.ts';
import { scimChangeAudit } from './audit.ts';
import { Membership } from './membership.ts';
import { retryRaces } from './retry.ts';
import type { Scope } from './scope.ts';
import { renderGroups, scimMemberships } from './user-groups.ts';

/** Extension attributes a user may carry: they share the profile write's 100-item transaction. */
const MAX_MAPPED_ATTRIBUTES = 64;

/** The SCIM User of a stored profile. */
export function userResource(r: UserRecord, baseUrl: string): ScimResource {
  const scim = r.scim ?? {};
  return { schemas: scim.schemas, id: r.scimId, ...scim, meta: meta('User', r, `${baseUrl}/Users/${r.scimId}`) };
}

/** Validates a normalised User for storage; `active` defaults to true (RFC 7643 §4.1.1). */
function prepare(resource: ScimResource): ScimResource {
  resource.active ??= true;
  if (typeof resource.active !== 'boolean') throw new ScimError(400, '`active` must be a boolean', 'invalidValue');
  assertStorable(resource, ['userName', 'displayName', 'externalId']);
  return resource;
}

function primaryEmail(resource: ScimResource): string | undefined {
  const emails = getIgnoringCase(resource, 'emails');
  if (!Array.isArray(emails)) return undefined;
  const chosen = emails.find(isPrimary) ?? emails[0];
  const value = getIgnoringCase(chosen, 'value');
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The profile fields Warden reads from a SCIM User; the userid stays what it was at creation. */
function profileFields(resource: ScimResource): Pick<UserRecord, 'displayName' | 'active' | 'userName' | 'scim'> & Partial<Pick<UserRecord, 'email' | 'externalId'>> {
  const name = getIgnoringCase(resource, 'name');
  const formatted = getIgnoringCase(name, 'formatted');
  const userName = resource.userName as string;
  const displayName = typeof resource.displayName === 'string' && resource.displayName ? resource.displayName : typeof formatted === 'string' && formatted ? formatted : userName;
  // The display name keys a lookup item; a long `name.formatted` must not become an over-long key.
  if (displayName.length > MAX_INDEXED_VALUE) throw new ScimError(400, `\`name.formatted\` is longer than ${MAX_INDEXED_VALUE} characters`, 'invalidValue');
  const email = primaryEmail(resource);
  return {
    userName,
    displayName,
    active: resource.active !== false,
    ...(typeof resource.externalId === 'string' && resource.externalId ? { externalId: resource.externalId } : { externalId: undefined }),
    ...(email ? { email } : { email: undefined }),
    scim: resource,
  };
}

/** SCIM Users of one IAM over the user repository. */
export class ScimUsers {
  private readonly membership: Membership;
  constructor(private readonly services: Services) {
    this.membership = new Membership(services);
  }

  /** Profile, attributes and memberships of a SCIM id, or 404. */
  async get(scope: Scope, scimId: string): Promise<UserAggregate> {
    const { iamid } = scope;
    const found = scimId.length > MAX_INDEXED_VALUE ? undefined : await this.services.users.getByScimId(iamid, scimId);
    const agg = found && (await this.services.users.get(iamid, found.userid));
    if (!agg) throw new ScimError(404, `user \`${scimId}\` not found`);
    return agg;
  }

  /**
   * The SCIM Users of `records`, with their read-only `groups` unless the projection leaves them
   * out (then no membership is read); `known` holds memberships the caller already read.
   */
  async resources(scope: Scope, records: readonly UserRecord[], projection: ProjectionOptions, known?: ReadonlyMap<string, readonly string[]>): Promise<ScimResource[]> {
    const plain = records.map((r) => userResource(r, scope.baseUrl));
    if (!returnsAttribute(projection, 'groups')) return plain;
    const memberships = known ?? (await scimMemberships(this.services.db, scope.iamid, records.map((r) => r.userid)));
    const groups = await renderGroups(this.services.db, scope.iamid, scope.baseUrl, memberships);
    return plain.map((resource, i) => {
      const of = groups.get(records[i]!.userid) ?? [];
      return of.length ? { ...resource, groups: of } : resource;
    });
  }

  /** The Warden attributes (source `scim`) the resource's extensions map to. */
  private scimAttributes(scope: Pick<Scope, 'iam'>, resource: ScimResource): Attributes {
    const values = extensionAttributes(resource, scope.iam.scim.attributeMappings);
    // They are written in the profile's transaction, which holds at most 100 items.
    if (Object.keys(values).length > MAX_MAPPED_ATTRIBUTES) {
      throw new ScimError(400, `more than ${MAX_MAPPED_ATTRIBUTES} extension attributes`, 'invalidValue');
    }
    return values;
  }

  /** POST /Users: the userid is the userName at creation (nothing is rendered: no base URL needed). */
  async create(scope: Omit<Scope, 'baseUrl'>, body: unknown): Promise<UserRecord> {
    const fields = profileFields(prepare(normaliseUser(body)));
    const scimId = randomUUID();
    const userid = fields.userName!;
    return this.services.users.create(
      { iamid: scope.iamid, userid, scimId, ...fields },
      scimChangeAudit(scope, 'CREATE', 'user', [scimId, userid], { userName: fields.userName }),
      { source: 'scim', values: this.scimAttributes(scope, fields.scim!) },
    );
  }

  /** PUT (`next` ignores the current resource) or PATCH, conditional on `If-Match` when given. */
  async change(scope: Scope, scimId: string, ifMatch: string | undefined, next: (current: ScimResource) => unknown): Promise<UserRecord> {
    return retryRaces(
      async () => {
        const agg = await this.get(scope, scimId);
        assertIfMatch(ifMatch, agg.profile.version);
        const fields = profileFields(prepare(normaliseUser(next({ ...(agg.profile.scim ?? {}), id: scimId }), agg.profile.scim)));
        return this.services.users.update(
          agg.profile,
          fields,
          scimChangeAudit(scope, 'UPDATE', 'user', [scimId, agg.profile.userid], { active: fields.active }),
          { source: 'scim', values: this.scimAttributes(scope, fields.scim!), before: agg.attributes.scim ?? {} },
        );
      },
      { versions: ifMatch === undefined },
    );
  }

  /** PATCH: the RFC 7644 §3.5.2 operations applied to the current resource. */
  patch(scope: Scope, scimId: string, body: unknown, ifMatch: string | undefined): Promise<UserRecord> {
    return this.change(scope, scimId, ifMatch, (current) => applyPatch(current, body, 'User').resource);
  }

  /** DELETE: a hard delete with the user's attributes and memberships. */
  async delete(scope: Scope, scimId: string, ifMatch: string | undefined): Promise<void> {
    const { profile } = await this.get(scope, scimId);
    assertIfMatch(ifMatch, profile.version);
    await this.services.users.delete(scope.iamid, profile.userid, scimChangeAudit(scope, 'DELETE', 'user', [scimId, profile.userid]));
  }

  /**
   * Users matching `filter` in userid order: an indexed `eq` reads only its candidates, and so
   * does `groups eq "<group id>"` (the group's SCIM members); anything else pages the IAM's users.
   */
  async search(scope: Scope, filter: Filter | undefined): Promise<UserRecord[]> {
    const related = filter ? await this.membersOfGroups(scope.iamid, relationIds(filter, 'groups')) : new Map<string, Set<string>>();
    const records = (await this.candidates(scope.iamid, filter, related)).filter((r) => r.scimId);
    if (!filter) return records;
    return records.filter((r) => {
      const resource = userResource(r, scope.baseUrl);
      return matchesFilter(filter, related.size ? withRelation(resource, 'groups', related, r.userid) : resource);
    });
  }

  /** Group id → userids of its SCIM members (none for an unknown id, nor a deleted one whose memberships are still being removed). */
  private async membersOfGroups(iamid: string, groupIds: readonly string[]): Promise<Map<string, Set<string>>> {
    const members = await Promise.all(
      groupIds.map(async (g) => (g.length > MAX_INDEXED_VALUE || !(await this.services.groups.get(iamid, g)) ? [] : this.membership.current(iamid, g))),
    );
    return new Map(groupIds.map((g, i) => [g, new Set(members[i])]));
  }

  private async candidates(iamid: string, filter: Filter | undefined, related: ReadonlyMap<string, ReadonlySet<string>>): Promise<UserRecord[]> {
    const eq = filter && indexableEquality(filter);
    const group = filter && relationConjunct(filter, 'groups');
    if (!eq && group === undefined) return this.all(iamid);
    if (eq && eq.value.length > MAX_INDEXED_VALUE) return [];
    const { users } = this.services;
    if (eq?.attr === 'id') return optional(await users.getByScimId(iamid, eq.value));
    let userids: string[];
    if (eq?.attr === 'userName') userids = optional(await users.useridByUserName(iamid, eq.value));
    else if (eq?.attr === 'externalId') userids = await users.useridsByExternalId(iamid, eq.value);
    else if (eq) userids = await users.useridsByDisplayName(iamid, eq.value);
    else userids = [...(related.get(group!) ?? [])];
    const profiles = await Promise.all(userids.sort().map((u) => users.getProfile(iamid, u)));
    return profiles.flatMap(optional);
  }

  private all(iamid: string): Promise<UserRecord[]> {
    return allPages(async (cursor) => {
      const page = await this.services.users.list(iamid, { limit: 1000, cursor });
      return { items: page.users, cursor: page.cursor };
    });
  }
}

function optional<T>(value: T | undefined): T[] {
  return value === undefined ? [] : [value];
}
