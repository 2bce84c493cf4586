/** Source ids in the order of the catalog scan (JavaScript string order). */
export const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** `list` (in id order, without `id`) with `id` inserted in its place: a physical table's ids after a source joins it. */
export function insertSorted(list: readonly string[], id: string): string[] {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (byId(list[mid]!, id) < 0) lo = mid + 1;
    else hi = mid;
  }
  return [...list.slice(0, lo), id, ...list.slice(lo)];
}

/** What a delta did to the id list: ids it removed, ids it added (not there before). */
export interface IdChanges {
  readonly removed: ReadonlySet<string>;
  readonly added: readonly string[];
}

/** The ids in id order after `changes`: the removed ones dropped, the added ones merged in (one pass). */
function mergeIds(ids: readonly string[], changes: IdChanges): string[] {
  const kept = changes.removed.size ? ids.filter((id) => !changes.removed.has(id)) : ids;
  const added = [...changes.added].sort(byId);
  const out: string[] = [];
  let i = 0;
  for (const id of added) {
    while (i < kept.length && byId(kept[i]!, id) < 0) out.push(kept[i++]!);
    out.push(id);
  }
  while (i < kept.length) out.push(kept[i++]!);
  return out;
}

/** Longest chain of derived id lists left uncomputed: computing one recurses through them. */
const MAX_PENDING_IDS = 32;

/** The id list of a derived snapshot, merged from its predecessor's on first use. */
export class DerivedIds {
  private value: readonly string[] | undefined;
  readonly depth: number;

  constructor(
    private previous: (() => readonly string[]) & { ids?: DerivedIds },
    private changed: IdChanges | undefined,
  ) {
    const before = previous.ids;
    const depth = before && before.value === undefined ? before.depth + 1 : 1;
    // Bounds the recursion (and what the chain holds on to) of a long line of unread snapshots.
    if (depth > MAX_PENDING_IDS) previous();
    this.depth = depth > MAX_PENDING_IDS ? 1 : depth;
  }

  /** The ids in id order. */
  get(): readonly string[] {
    if (this.value === undefined) {
      this.value = mergeIds(this.previous(), this.changed!);
      this.previous = () => [];
      this.changed = undefined;
    }
    return this.value;
  }

  /** `get` as a function that knows its list (see `SnapshotState.sourceIds`). */
  reader(): (() => readonly string[]) & { ids: DerivedIds } {
    return Object.assign(() => this.get(), { ids: this });
  }
}
