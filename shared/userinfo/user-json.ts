import { dict, dictFrom } from '#shared/model/dict.ts';
import { SOURCES, type Attributes, type Source } from '#shared/model/identity.ts';
import type { UserJson } from '#shared/model/users.ts';
import { mergeSources, type UserView } from '#shared/store/subjects.ts';

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
    permissions: [...p.permissions],
    groups: [...byName.values()].sort((a, b) => a.localeCompare(b)),
    attributes: view.merged,
    sources: { ...sources, groups },
    memberships,
  };
}
