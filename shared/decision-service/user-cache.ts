import type { DecideOptions } from '#shared/policy/index.ts';
import type { AccessRequestRepository } from '#shared/store/access-requests.ts';
import type { GroupRepository } from '#shared/store/groups.ts';
import { loadUserView, type UserView } from '#shared/store/subjects.ts';
import type { UserRepository } from '#shared/store/users.ts';

/** An approved access request as decisions use it. */
export interface Approval {
  readonly expiresAt?: string;
}

/** A user's merged view and its approved access requests by data source. */
export interface CachedUser {
  readonly view: UserView;
  readonly approvals: ReadonlyMap<string, Approval>;
}

/** The user's approved request on the source, as the engine takes it; the engine decides whether it may count. */
export function approvalFor(user: CachedUser, sourceId: string): DecideOptions {
  const approvedRequest = user.approvals.get(sourceId);
  return approvedRequest ? { approvedRequest } : {};
}

interface Entry {
  readonly at: number;
  readonly value: Promise<CachedUser | undefined>;
}

const MAX_ENTRIES = 10_000;

/** The approval lasting longest wins when a user holds several for one source. */
function longer(a: Approval | undefined, b: Approval): Approval {
  if (!a) return b;
  if (a.expiresAt === undefined || b.expiresAt === undefined) return {};
  return a.expiresAt >= b.expiresAt ? a : b;
}

/**
 * Users with their groups, attributes and approvals, kept `ttlMs` so that a burst of decisions
 * about one user costs one load; concurrent misses share the load.
 */
export class UserCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly stores: { readonly users: UserRepository; readonly groups: GroupRepository; readonly accessRequests: AccessRequestRepository },
    private readonly ttlMs: number,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** The user, or undefined when unknown. */
  get(iamid: string, userid: string): Promise<CachedUser | undefined> {
    const key = `${iamid}\u0000${userid}`;
    const now = this.clock();
    const hit = this.entries.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    if (hit) this.entries.delete(key);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    const value = this.load(iamid, userid);
    this.entries.set(key, { at: now, value });
    value.catch(() => this.entries.delete(key));
    return value;
  }

  /** Drops a user at once (its access requests were just decided here): the next decision reloads it. */
  forget(iamid: string, userid: string): void {
    this.entries.delete(`${iamid}\u0000${userid}`);
  }

  private async load(iamid: string, userid: string): Promise<CachedUser | undefined> {
    const [view, requests] = await Promise.all([
      loadUserView(this.stores.users, this.stores.groups, iamid, userid),
      this.stores.accessRequests.ofUser(iamid, userid),
    ]);
    if (!view) return undefined;
    const approvals = new Map<string, Approval>();
    for (const r of requests) {
      if (r.state !== 'approved') continue;
      approvals.set(r.dataSource, longer(approvals.get(r.dataSource), r.expiresAt ? { expiresAt: r.expiresAt } : {}));
    }
    return { view, approvals };
  }
}
