import type { Db } from '#shared/store/client.ts';
import { groupNames, scimGroupIds } from '#shared/store/scim.ts';

/** Membership reads in flight at once for a page of users. */
const CONCURRENCY = 16;

/** A group as a User's read-only `groups` attribute shows it (RFC 7643 §4.1.2). */
export interface RenderedGroup {
  readonly value: string;
  readonly display: string;
  readonly $ref: string;
  readonly type: 'direct';
}

/** userid → ids of the groups it is a SCIM member of, each read from the user's own partition. */
export async function scimMemberships(db: Db, iamid: string, userids: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (let i = 0; i < userids.length; i += CONCURRENCY) {
    const batch = userids.slice(i, i + CONCURRENCY);
    const found = await Promise.all(batch.map((u) => scimGroupIds(db, iamid, u)));
    batch.forEach((u, j) => out.set(u, found[j]!));
  }
  return out;
}

/**
 * The `groups` of users, from their memberships (userid → group ids), named with one batch read
 * of those groups alone; in displayName order.
 */
export async function renderGroups(db: Db, iamid: string, baseUrl: string, memberships: ReadonlyMap<string, readonly string[]>): Promise<Map<string, RenderedGroup[]>> {
  const names = await groupNames(db, iamid, [...new Set([...memberships.values()].flat())]);
  const render = (ids: readonly string[]): RenderedGroup[] =>
    ids
      .flatMap((id) => {
        const display = names.get(id);
        return display === undefined ? [] : [{ value: id, display, $ref: `${baseUrl}/Groups/${id}`, type: 'direct' as const }];
      })
      .sort((a, b) => a.display.localeCompare(b.display) || a.value.localeCompare(b.value));
  return new Map([...memberships].map(([userid, ids]) => [userid, render(ids)]));
}
