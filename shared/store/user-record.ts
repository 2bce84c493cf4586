import { randomUUID } from 'node:crypto';
import type { Attributes, Permission, Source } from '#shared/model/identity.ts';
import { readAttributes, type SourceAttributes } from './attributes.ts';
import { withoutKeys } from './item.ts';
import { identityKeys } from './key-formats.ts';
import { readScimDocument, scimDocument } from './scim.ts';
import { nowIso } from './transact.ts';

/** A user's profile item. */
export interface UserRecord {
  readonly iamid: string;
  readonly userid: string;
  readonly displayName: string;
  readonly email?: string;
  readonly active: boolean;
  readonly permissions: readonly Permission[];
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  /**
   * Immutable internal id, random at creation: a user deleted and created again under the same
   * userid is another identity, and credentials issued for the first never act for the second.
   * Absent on users created before it existed (`uidOf` falls back to `createdAt`).
   */
  readonly uid?: string;
  /** Changes whenever the user is deactivated: tokens carry it, so reactivation revives none (`stampOf`). */
  readonly stamp?: string;
  /** SCIM bookkeeping for users pushed by an identity manager. */
  readonly scimId?: string;
  readonly userName?: string;
  readonly externalId?: string;
  readonly scim?: Record<string, unknown>;
}

/** A user with its attribute values per source and group memberships per source. */
export interface UserAggregate {
  readonly profile: UserRecord;
  readonly attributes: SourceAttributes;
  /** Group ids, with the sources that made the user a member. */
  readonly memberships: ReadonlyMap<string, ReadonlySet<Source>>;
}

export type NewUser = Pick<UserRecord, 'iamid' | 'userid' | 'displayName'> &
  Partial<Pick<UserRecord, 'email' | 'active' | 'permissions' | 'scimId' | 'userName' | 'externalId' | 'scim'>>;

/** One source's attribute values, written along with a profile change. */
export interface SourceValues {
  readonly source: Source;
  readonly values: Attributes;
}

export type UserChanges = Partial<Omit<UserRecord, 'iamid' | 'userid' | 'version' | 'createdAt' | 'updatedAt' | 'uid' | 'stamp'>>;

/** The profile of a stored profile item. */
export function toUserRecord(item: Record<string, unknown>): UserRecord {
  const record = withoutKeys<UserRecord>(item);
  const scim = readScimDocument(item.scim);
  return scim ? { ...record, scim } : record;
}

/** Builds a user aggregate from the items of its partition. */
export function assembleUser(items: Array<Record<string, unknown>>): UserAggregate | undefined {
  const profileItem = items.find((i) => i.sk === identityKeys.profile);
  if (!profileItem) return undefined;
  const memberships = new Map<string, Set<Source>>();
  for (const item of items) {
    if (!(item.sk as string).startsWith(identityKeys.memberPrefix)) continue;
    const gid = item.groupId as string;
    let set = memberships.get(gid);
    if (!set) memberships.set(gid, (set = new Set()));
    set.add(item.source as Source);
  }
  return { profile: toUserRecord(profileItem), attributes: readAttributes(items), memberships };
}

/** The record of a new user: active, no permissions, version 1, fresh uid and stamp. */
export function newUserRecord(input: NewUser): UserRecord {
  const now = nowIso();
  return { active: true, permissions: [], ...input, version: 1, createdAt: now, updatedAt: now, uid: randomUUID(), stamp: randomUUID() };
}

/** The stored profile item of a user, with its keys in the users-of-IAM and SCIM id indexes. */
export function userProfileItem(r: UserRecord): Record<string, unknown> {
  return {
    pk: identityKeys.user(r.iamid, r.userid),
    sk: identityKeys.profile,
    gsi2pk: identityKeys.usersOfIam(r.iamid),
    gsi2sk: r.userid,
    ...(r.scimId ? { gsi1pk: identityKeys.scimUser(r.iamid, r.scimId), gsi1sk: identityKeys.profile } : {}),
    ...r,
    ...(r.scim ? { scim: scimDocument(r.scim) } : {}),
  };
}
