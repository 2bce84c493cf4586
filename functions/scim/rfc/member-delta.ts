/**
 * Membership changes of one Group PATCH, never a materialised member list: the store keeps one
 * item per member. Apply as: with `replaceAll`, membership becomes exactly `replaceAll`;
 * otherwise delete `remove`, then put `add`. `add` and `remove` never share an id.
 */
export interface MemberDelta {
  readonly add: string[];
  readonly remove: string[];
  readonly replaceAll?: string[];
}

/** Accumulates the member operations of one PATCH request in order. */
export class MemberChanges {
  private readonly added = new Set<string>();
  private readonly removed = new Set<string>();
  private all: Set<string> | undefined;

  /** Records members added. */
  add(ids: readonly string[]): void {
    if (this.all) for (const id of ids) this.all.add(id);
    else move(ids, this.removed, this.added);
  }

  /** Records members removed. */
  remove(ids: readonly string[]): void {
    if (this.all) for (const id of ids) this.all.delete(id);
    else move(ids, this.added, this.removed);
  }

  /** Records a replacement of the whole member list. */
  replaceAll(ids: readonly string[]): void {
    this.added.clear();
    this.removed.clear();
    this.all = new Set(ids);
  }

  /** The net change. */
  delta(): MemberDelta {
    return { add: [...this.added], remove: [...this.removed], ...(this.all ? { replaceAll: [...this.all] } : {}) };
  }
}

/** Each id leaves `from` and joins `to`: a later operation on an id wins over an earlier one. */
function move(ids: readonly string[], from: Set<string>, to: Set<string>): void {
  for (const id of ids) {
    from.delete(id);
    to.add(id);
  }
}
