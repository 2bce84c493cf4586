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
    for (const id of ids) {
      if (this.all) this.all.add(id);
      else {
        this.removed.delete(id);
        this.added.add(id);
      }
    }
  }

  /** Records members removed. */
  remove(ids: readonly string[]): void {
    for (const id of ids) {
      if (this.all) this.all.delete(id);
      else {
        this.added.delete(id);
        this.removed.add(id);
      }
    }
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
