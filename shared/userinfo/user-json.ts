import { dict, dictFrom } from '#shared/model/dict.ts';
import { SOURCES, type Attributes, type Source } from '#shared/model/identity.ts';
import { mergeSources, type UserView } from '#shared/store/subjects.ts';
import type { UserRecord } from '#shared/store/user-record.ts';

/** A user as `GET /v1/users/{iamid}/{userid}` shows it: merged view plus provenance. */
export interface UserJson extends Pick<UserRecord, 'iamid' | 'userid' | 'displayName' | 'email' | 'active' | 'permissions'> {
  readonly groups: readonly string[];
  readonly attributes: Attributes;
  /** Values per source; `groups` holds each group's attributes (all its sources merged). */
  readonly sources: Record<Source, Attributes> & { readonly groups: Record<string, Attributes> };
  /** Per group name, the sources that made the user a member. */
  readonly memberships: Record<string, Source[]>;
}

/** The admin representation of a merged user view. */
export function toUserJson(view: UserView): UserJson {
  const p = view.user.profile;
  const byName = new Map(view.groups.map((g) => [g.profile.id, g.profile.displayName]));
  const sources = Object.fromEntries(SOURCES.map((s) => [s, view.user.attributes[s] ?? {}])) as Record<Source, Attributes>;
  // Keyed by group names, which are data: `constructor` or `__proto__` is a group like any other.
  const groups = dictFrom(view.groups.map((g) => [g.profile.displayName, mergeSources(g.attributes)] as const));
  const memberships = dict<Source[]>();
  for (const [gid, srcs] of view.user.memberships) {
    const name = byName.get(gid);
    if (name) memberships[name] = [...srcs].sort();
  }
  return {
    iamid: p.iamid,
    userid: p.userid,
    displayName: p.displayName,
    ...(p.email ? { email: p.email } : {}),
    active: p.active,
    permissions: p.permissions,
    groups: [...byName.values()].sort((a, b) => a.localeCompare(b)),
    attributes: view.merged,
    sources: { ...sources, groups },
    memberships,
  };
}
