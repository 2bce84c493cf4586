import { dictFrom } from '#shared/model/dict.ts';
import type { Attributes, Source, Subject } from '#shared/model/identity.ts';
import type { Db } from './client.ts';
import { identityKeys } from './key-formats.ts';
import { scanAll } from './pages.ts';
import { assembleGroup, type GroupAggregate, type GroupRepository } from './groups.ts';
import { type UserRepository } from './users.ts';
import { assembleUser, type UserAggregate } from './user-record.ts';

/** A user as the API shows it: per-source values, groups, and the merged view. */
export interface UserView {
  readonly user: UserAggregate;
  readonly groups: readonly GroupAggregate[];
  /** Union per key over every source of the user and of its groups. */
  readonly merged: Attributes;
  readonly subject: Subject;
}

function addAll(target: Map<string, Set<string>>, attrs: Partial<Record<Source, Attributes>>): void {
  for (const bySource of Object.values(attrs)) {
    for (const [key, values] of Object.entries(bySource ?? {})) {
      let set = target.get(key);
      if (!set) target.set(key, (set = new Set()));
      for (const v of values) set.add(v);
    }
  }
}

function sortedAttributes(attributes: ReadonlyMap<string, ReadonlySet<string>>): Attributes {
  return dictFrom([...attributes].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, [...v].sort()] as const));
}

/** Set union per key over every source: keys and values sorted. */
export function mergeSources(attrs: Partial<Record<Source, Attributes>>): Attributes {
  const attributes = new Map<string, Set<string>>();
  addAll(attributes, attrs);
  return sortedAttributes(attributes);
}

/** Merges a user and its groups into the view decisions use. */
export function buildView(user: UserAggregate, groups: readonly GroupAggregate[]): UserView {
  const attributes = new Map<string, Set<string>>();
  addAll(attributes, user.attributes);
  for (const g of groups) addAll(attributes, g.attributes);
  const merged = sortedAttributes(attributes);
  const subject: Subject = {
    iamid: user.profile.iamid,
    userid: user.profile.userid,
    active: user.profile.active,
    groups: new Set(groups.map((g) => g.profile.displayName)),
    attributes,
  };
  return { user, groups, merged, subject };
}

/** Reads a user, its groups and their attributes, merged; undefined if unknown. */
export async function loadUserView(
  users: UserRepository,
  groups: GroupRepository,
  iamid: string,
  userid: string,
): Promise<UserView | undefined> {
  const user = await users.get(iamid, userid);
  if (!user) return undefined;
  const loaded = await groups.getMany(iamid, [...user.memberships.keys()]);
  return buildView(user, loaded);
}

/** Segments of the parallel scan of the identities table: DynamoDB serves each on its own. */
const SCAN_SEGMENTS = 4;

/**
 * Every user of every IAM, merged, in one parallel scan of the identities table (simulation);
 * DynamoDB leaves out every item outside users' and groups' partitions (name markers, lookups,
 * keys) before it sends a page.
 */
export async function scanAllViews(db: Db): Promise<UserView[]> {
  const items = await scanAll(
    db,
    {
      TableName: db.tables.identities,
      FilterExpression: 'begins_with(pk, :user) OR begins_with(pk, :group)',
      ExpressionAttributeValues: { ':user': identityKeys.userPrefix, ':group': identityKeys.groupPrefix },
    },
    SCAN_SEGMENTS,
  );
  const partitions = new Map<string, Array<Record<string, unknown>>>();
  for (const item of items) {
    const pk = item.pk as string;
    let list = partitions.get(pk);
    if (!list) partitions.set(pk, (list = []));
    list.push(item);
  }
  const groupsByKey = new Map<string, GroupAggregate>();
  const users: UserAggregate[] = [];
  for (const [pk, items] of partitions) {
    if (pk.startsWith(identityKeys.groupPrefix)) {
      const g = assembleGroup(items);
      if (g) groupsByKey.set(`${g.profile.iamid}#${g.profile.id}`, g);
    } else {
      const u = assembleUser(items);
      if (u) users.push(u);
    }
  }
  return users.map((u) =>
    buildView(
      u,
      [...u.memberships.keys()]
        .map((gid) => groupsByKey.get(`${u.profile.iamid}#${gid}`))
        .filter((g): g is GroupAggregate => g !== undefined),
    ),
  );
}
