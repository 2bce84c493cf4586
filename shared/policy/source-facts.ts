import type { DataSource } from '#shared/model/catalog.ts';
import { lineage } from './tags.ts';

/**
 * A data source prepared once per snapshot so that hierarchical matching is a set lookup:
 * a user value `v` covers some tag of the source exactly when `v` is in the lineage set.
 */
export interface SourceFacts {
  readonly source: DataSource;
  /** Every source tag and every ancestor of one. */
  readonly tagLineage: ReadonlySet<string>;
  /** Every column tag and every ancestor of one. */
  readonly columnTagLineage: ReadonlySet<string>;
}

function lineageSet(tags: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const t of tags) for (const a of lineage(t)) out.add(a);
  return out;
}

/** Prepares a source for evaluation. */
export function sourceFacts(source: DataSource): SourceFacts {
  return {
    source,
    tagLineage: lineageSet(source.tags),
    columnTagLineage: lineageSet(source.columns.flatMap((c) => c.tags)),
  };
}
