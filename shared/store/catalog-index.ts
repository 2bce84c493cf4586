/**
 * The catalog's listing index: items beside the sources, written in the transaction of each
 * source write, so that a listing is a page Query and tag counts are exact without a scan.
 *
 * Per source: one item in `SOURCES`; one in `DOMAINSOURCES#d` for its `domain` field; one in
 * `TAG#t` for every tag `t` covering a tag of the source or of a column (`onSource` when it
 * covers a source tag, which is what domain membership tests). Per tag: one counter item in
 * `TAGCOUNTS`, moved by `ADD` of what the write changed (exact under concurrent writes, since
 * every source write is conditional on the version it read).
 */
import type { DataSource } from '#shared/model/catalog.ts';
import { lineage } from '#shared/policy/tags.ts';
import { TagIndexLimitError } from './errors.ts';
import { catalogKeys } from './key-formats.ts';
import { MAX_TRANSACTION_ITEMS, type TransactItem } from './transact.ts';

/**
 * Most index items one source write may change, and most a source may hold (so that its delete
 * always fits): the rest of the transaction (the source, the version bump, the audit record
 * and a change record) needs the other ten.
 */
export const MAX_INDEX_ITEMS = MAX_TRANSACTION_ITEMS - 10;

type Tagged = Pick<DataSource, 'id' | 'domain' | 'tags' | 'columns'>;

/** What one source puts into the index. */
interface Contribution {
  /** Every tag covering a tag of the source or a column → whether it covers a source tag. */
  readonly entries: Map<string, boolean>;
  /** Exact tag → [sources (0 or 1), columns carrying it]. */
  readonly counts: Map<string, [number, number]>;
}

function contributionOf(source: Tagged | undefined): Contribution {
  const entries = new Map<string, boolean>();
  const counts = new Map<string, [number, number]>();
  if (!source) return { entries, counts };
  for (const tag of new Set(source.tags)) {
    for (const t of lineage(tag)) entries.set(t, true);
    counts.set(tag, [1, 0]);
  }
  for (const col of source.columns) {
    for (const tag of new Set(col.tags)) {
      for (const t of lineage(tag)) if (!entries.has(t)) entries.set(t, false);
      const n = counts.get(tag) ?? [0, 0];
      counts.set(tag, [n[0], n[1] + 1]);
    }
  }
  return { entries, counts };
}

/** The condition that a source's index was never written: what a write of a source stored before the index holds on. */
export function notIndexed(table: string, id: string): TransactItem {
  return { ConditionCheck: { TableName: table, Key: { pk: catalogKeys.allSources, sk: id }, ConditionExpression: 'attribute_not_exists(pk)' } };
}

/** How many index items a source holds: its entry, its domain's, one per covering tag, one counter per tag. */
function footprint(source: Tagged, c: Contribution): number {
  return 1 + (source.domain === undefined ? 0 : 1) + c.entries.size + c.counts.size;
}

/**
 * The index items a write of a source changes, from what it was (`before`, undefined: new) to
 * what it becomes (`after`, undefined: deleted). A write that changes no tag touches no tag item.
 * A source that would hold, or a write that would change, more than `MAX_INDEX_ITEMS` is a
 * `TagIndexLimitError`.
 */
export function indexChanges(table: string, before: Tagged | undefined, after: Tagged | undefined): TransactItem[] {
  const id = (after ?? before)!.id;
  const was = contributionOf(before);
  const is = contributionOf(after);
  const holds = after ? footprint(after, is) : 0;
  if (holds > MAX_INDEX_ITEMS) {
    throw new TagIndexLimitError(`data source \`${id}\` would hold ${holds} tag index entries (its tags, their ancestors and one per tag counted), more than ${MAX_INDEX_ITEMS}`);
  }
  const put = (pk: string, extra: Record<string, unknown> = {}): TransactItem => ({ Put: { TableName: table, Item: { pk, sk: id, ...extra } } });
  const del = (pk: string): TransactItem => ({ Delete: { TableName: table, Key: { pk, sk: id } } });
  const entry = { TableName: table, Key: { pk: catalogKeys.allSources, sk: id } };
  // The source's own entry says its index is written: a source stored before the index (see
  // `catalog-backfill.ts`) fails these conditions instead of corrupting the counts.
  const items: TransactItem[] = [
    before && after
      ? { ConditionCheck: { ...entry, ConditionExpression: 'attribute_exists(pk)' } }
      : before
        ? { Delete: { ...entry, ConditionExpression: 'attribute_exists(pk)' } }
        : { Put: { TableName: table, Item: entry.Key, ConditionExpression: 'attribute_not_exists(pk)' } },
  ];
  if (before?.domain !== after?.domain) {
    if (before?.domain !== undefined) items.push(del(catalogKeys.sourcesOfDomain(before.domain)));
    if (after?.domain !== undefined) items.push(put(catalogKeys.sourcesOfDomain(after.domain)));
  }
  for (const [tag, onSource] of is.entries) {
    if (was.entries.get(tag) !== onSource) items.push(put(catalogKeys.taggedSources(tag), { onSource }));
  }
  for (const tag of was.entries.keys()) if (!is.entries.has(tag)) items.push(del(catalogKeys.taggedSources(tag)));
  for (const tag of new Set([...was.counts.keys(), ...is.counts.keys()])) {
    const [s0, c0] = was.counts.get(tag) ?? [0, 0];
    const [s1, c1] = is.counts.get(tag) ?? [0, 0];
    if (s0 === s1 && c0 === c1) continue;
    items.push({
      Update: {
        TableName: table,
        Key: { pk: catalogKeys.tagCounts, sk: catalogKeys.tagCount(tag) },
        UpdateExpression: 'SET #tag = :tag ADD dataSources :s, #columns :c',
        ExpressionAttributeNames: { '#tag': 'tag', '#columns': 'columns' },
        ExpressionAttributeValues: { ':tag': tag, ':s': s1 - s0, ':c': c1 - c0 },
      },
    });
  }
  if (items.length > MAX_INDEX_ITEMS) {
    throw new TagIndexLimitError(`data source \`${id}\`: this write changes ${items.length} tag index entries, more than ${MAX_INDEX_ITEMS} at once: change its tags in several writes`);
  }
  return items;
}
