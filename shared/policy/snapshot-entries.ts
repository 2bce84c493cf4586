import type { DataSource } from '#shared/model/catalog.ts';
import { sourceFacts, type SourceFacts } from './source-facts.ts';
import type { SourceEntry } from './source-entry.ts';

/** A source of a snapshot, read (and prepared for matching) on first use. */
export interface SourceCell {
  facts(): SourceFacts;
}

/** The cell of a source already in memory, prepared on first use. */
export function cellOf(source: DataSource): SourceCell {
  let facts: SourceFacts | undefined;
  return { facts: () => (facts ??= sourceFacts(source)) };
}

/** The cell of a source prepared now: a changed source that cannot be prepared throws here, where the change is applied. */
export function preparedCell(source: DataSource): SourceCell {
  const facts = sourceFacts(source);
  return { facts: () => facts };
}

/** What a snapshot may take over from the one it was derived from. */
export interface InheritedEntries {
  /** The previous snapshot's memo (its own map only, so a line of snapshots holds no chain). */
  readonly entries: ReadonlyMap<string, SourceEntry>;
  /** Whether a source's entry may differ from the previous snapshot's (the delta touches it). */
  readonly stale: (id: string, facts: SourceFacts) => boolean;
}

/**
 * The entries of one snapshot, each computed on first use and kept: a derived snapshot starts
 * empty and takes over a previous entry the delta cannot have changed, so deriving costs what the
 * delta holds, not what the catalog holds, and a policy that matches every source costs no
 * recompilation until each source is asked for.
 */
export class EntryMemo {
  private readonly memo = new Map<string, SourceEntry>();

  constructor(
    private readonly cell: (id: string) => SourceCell | undefined,
    private readonly compute: (facts: SourceFacts) => SourceEntry,
    private readonly inherited?: InheritedEntries,
  ) {}

  /** The entry of a source, or undefined when the snapshot has none of that id. */
  get(id: string): SourceEntry | undefined {
    const held = this.memo.get(id);
    if (held) return held;
    const cell = this.cell(id);
    if (!cell) return undefined;
    const facts = cell.facts();
    const before = this.inherited?.entries.get(id);
    const entry = before && !this.inherited!.stale(id, facts) ? before : this.compute(facts);
    this.memo.set(id, entry);
    return entry;
  }

  /** The map a snapshot derived from this one inherits. */
  held(): ReadonlyMap<string, SourceEntry> {
    return this.memo;
  }
}
