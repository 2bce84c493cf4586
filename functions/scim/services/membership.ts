import type { AuditInput } from '#shared/audit/record.ts';
import type { Services } from '#shared/services.ts';
import { allPages } from '#shared/store/cursor.ts';
import { MemberNotFoundError } from '#shared/store/errors.ts';
import { memberProfiles } from '#shared/store/scim.ts';
import { InvalidValueError, TooManyError } from '../rfc/errors.ts';
import type { MemberDelta } from '../rfc/member-delta.ts';
import { MAX_INDEXED_VALUE } from '../rfc/storable.ts';
import { retryRaces } from './retry.ts';

/** Parallel index lookups per batch of member ids. */
const LOOKUP_CONCURRENCY = 16;

/** A member as a Group renders it (RFC 7643 §4.2). */
export interface RenderedMember {
  readonly value: string;
  readonly display?: string;
  readonly $ref: string;
}

/** Group membership over the store, members named by SCIM user id (one item per member). */
export class Membership {
  constructor(private readonly services: Services) {}

  /** Userids of SCIM ids; unknown ids are left out, or refused (400 `invalidValue`) when `strict`. */
  async userids(iamid: string, scimIds: readonly string[], strict: boolean): Promise<string[]> {
    const unique = [...new Set(scimIds)];
    const out: string[] = [];
    for (let i = 0; i < unique.length; i += LOOKUP_CONCURRENCY) {
      const batch = unique.slice(i, i + LOOKUP_CONCURRENCY);
      const found = await Promise.all(batch.map((id) => (id.length > MAX_INDEXED_VALUE ? undefined : this.services.users.getByScimId(iamid, id))));
      found.forEach((user, j) => {
        if (user) out.push(user.userid);
        else if (strict) throw new InvalidValueError(`member \`${batch[j]}\` is not a user of this iam`);
      });
    }
    return out;
  }

  /** Userids of every SCIM-sourced member (paged over the group's index; only for replacements and reads). */
  async current(iamid: string, groupId: string): Promise<string[]> {
    const members = await allPages(async (cursor) => {
      const page = await this.services.groups.listMembers(iamid, groupId, { source: 'scim', cursor });
      return { items: page.members, cursor: page.cursor };
    });
    return members.map((m) => m.userid);
  }

  /**
   * Validates a delta (every added member must exist) and returns the writes to make. A
   * replacement reads the current members to compute the difference.
   */
  async plan(iamid: string, groupId: string, delta: MemberDelta): Promise<{ add: string[]; remove: string[] }> {
    if (delta.replaceAll) {
      const target = new Set(await this.userids(iamid, delta.replaceAll, true));
      const current = new Set(await this.current(iamid, groupId));
      return { add: [...target].filter((u) => !current.has(u)), remove: [...current].filter((u) => !target.has(u)) };
    }
    return { add: await this.userids(iamid, delta.add, true), remove: await this.userids(iamid, delta.remove, false) };
  }

  /** Applies a planned change; `audit` rides in its first transaction (or is written alone when nothing changes). */
  async apply(iamid: string, groupId: string, change: { add: string[]; remove: string[] }, audit?: AuditInput): Promise<void> {
    const { groups } = this.services;
    let pending = audit;
    if (change.remove.length || (pending && !change.add.length)) {
      const a = pending;
      await retryRaces(() => groups.removeMembers(iamid, groupId, change.remove, 'scim', a), { versions: false });
      pending = undefined;
    }
    if (!change.add.length) return;
    const a = pending;
    try {
      await retryRaces(() => groups.addMembers(iamid, groupId, change.add, 'scim', a), { versions: false });
    } catch (err) {
      // The user vanished between the lookup and the write (a concurrent DELETE): the member value is invalid.
      if (err instanceof MemberNotFoundError) throw new InvalidValueError(err.message);
      throw err;
    }
  }

  /**
   * The SCIM members of a group, for a response that asks for them, read a page at a time and
   * charged to `budget`: a group too large for one response is refused once its rendered
   * members pass the budget, before the rest of it is read.
   */
  async render(iamid: string, groupId: string, baseUrl: string, budget: MemberBudget): Promise<RenderedMember[]> {
    const out: RenderedMember[] = [];
    let cursor: string | null = null;
    do {
      const page = await this.services.groups.listMembers(iamid, groupId, { source: 'scim', cursor });
      const profiles = await memberProfiles(this.services.db, iamid, page.members.map((m) => m.userid));
      for (const { userid } of page.members) {
        const p = profiles.get(userid);
        if (p?.scimId === undefined) continue;
        const member = { value: p.scimId, ...(p.displayName ? { display: p.displayName } : {}), $ref: `${baseUrl}/Users/${p.scimId}` };
        budget.charge(groupId, JSON.stringify(member).length + 1);
        out.push(member);
      }
      cursor = page.cursor;
    } while (cursor);
    return out;
  }
}

/**
 * What the members of one response may weigh, in characters of JSON: a Lambda answer holds
 * 6 MB, so a group with more members than fit is refused with `tooMany` (RFC 7644 §3.12) and
 * read with `excludedAttributes=members`, instead of failing as a 5xx once it is too large.
 */
export class MemberBudget {
  constructor(private left: number) {}

  /** Spends `size` on a member of `groupId`; past the budget: 400 `tooMany`. */
  charge(groupId: string, size: number): void {
    this.left -= size;
    if (this.left < 0) throw new TooManyError(`group \`${groupId}\` has too many members to list in one response: read it with \`excludedAttributes=members\``);
  }
}
