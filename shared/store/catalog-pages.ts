/**
 * Paged reads of the catalog's listing index (`catalog-index.ts`): every Query is of one index
 * partition, strongly consistent, after the position a cursor names; nothing scans the table.
 */
import { createHash } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DataSource, Domain } from '#shared/model/catalog.ts';
import { anyCovered } from '#shared/policy/tags.ts';
import { sourceInDomain } from '#shared/policy/targeting.ts';
import type { Db } from './client.ts';
import { decodeCursor, encodeCursor, InvalidCursorError } from './cursor.ts';
import { catalogKeys } from './key-formats.ts';

type Item = Record<string, unknown>;

/** A combined filter reads at most this many rounds of index pages before it answers a (short) page with a cursor. */
const MAX_ROUNDS = 10;

/** DynamoDB refuses a sort key condition on a value longer than this many bytes. */
const MAX_SORT_KEY_BYTES = 1024;

/** One index partition a listing reads; `onSourceOnly`: only entries covering a tag of the source itself. */
export interface IndexPart {
  readonly pk: string;
  readonly onSourceOnly?: boolean;
}

/** What a page of a listing reads: the position after which it starts, and how many at most. */
export interface ListingPage {
  readonly after: string | undefined;
  readonly limit: number;
}

/** Entries of a listing and the position to continue after (undefined: the listing is over). */
export interface ListingResult<T> {
  readonly items: T[];
  readonly next: string | undefined;
}

/** True when `tag` covers a tag of the source or of one of its columns. */
export const tagged = (source: DataSource, tag: string): boolean => anyCovered(tag, source.tags) || source.columns.some((col) => anyCovered(tag, col.tags));

/** Whether a source is in domain `id`: by its `domain` field, or (when the domain exists) by one of its tags. */
export const inDomain = (source: DataSource, id: string, domain: Domain | undefined): boolean => (domain ? sourceInDomain(source, domain) : source.domain === id);

/** What a cursor is bound to: a listing and its filters, so that a cursor of another query is refused. */
export function listingScope(listing: string, filters: readonly (string | undefined)[] = []): string {
  return createHash('sha256').update(JSON.stringify([listing, ...filters.map((f) => f ?? null)])).digest('base64url').slice(0, 16);
}

/** The opaque cursor of a position in the listing of `scope`, or null at its end. */
export function listingCursor(next: string | undefined, scope: string): string | null {
  return next === undefined ? null : encodeCursor({ after: next, scope });
}

/** The position a cursor of `scope` names; any other cursor is an `InvalidCursorError` (400). */
export function cursorPosition(cursor: string | null | undefined, scope: string): string | undefined {
  const key = decodeCursor(cursor);
  if (!key) return undefined;
  const { after, scope: issuedFor, ...rest } = key;
  const fits = typeof after === 'string' && after.length > 0 && Buffer.byteLength(after, 'utf8') <= MAX_SORT_KEY_BYTES;
  if (!fits || issuedFor !== scope || Object.keys(rest).length) throw new InvalidCursorError();
  return after;
}

/** DynamoDB's order of string sort keys: by their UTF-8 bytes (not JavaScript's UTF-16 units). */
export const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/** Up to `limit` items of one partition after `after`, and the last sort key read when the partition may go on. */
async function partitionAfter(db: Db, part: IndexPart, after: string | undefined, limit: number): Promise<{ items: Item[]; bound?: string }> {
  const res = await db.doc.send(
    new QueryCommand({
      TableName: db.tables.catalog,
      KeyConditionExpression: after === undefined ? 'pk = :pk' : 'pk = :pk AND sk > :after',
      ExpressionAttributeValues: { ':pk': part.pk, ...(after === undefined ? {} : { ':after': after }), ...(part.onSourceOnly ? { ':yes': true } : {}) },
      ...(part.onSourceOnly ? { FilterExpression: 'onSource = :yes' } : {}),
      Limit: limit,
      ConsistentRead: true,
    }),
  );
  const bound = res.LastEvaluatedKey?.sk;
  return { items: res.Items ?? [], ...(typeof bound === 'string' ? { bound } : {}) };
}

/**
 * The next entries of the union of `parts`, in sort key order, each key once: at most `limit`,
 * and the position to go on from. Each partition is read one past `limit`, so that a listing
 * that fits one page ends with it instead of answering an empty last page.
 */
async function unionPage(db: Db, parts: readonly IndexPart[], page: ListingPage): Promise<{ entries: Item[]; next: string | undefined }> {
  const reads = await Promise.all(parts.map((p) => partitionAfter(db, p, page.after, page.limit + 1)));
  // Keys past the first partition that may go on are not known to be the next of the union yet.
  const bounds = reads.flatMap((r) => (r.bound === undefined ? [] : [r.bound]));
  const bound = bounds.length ? bounds.reduce((a, b) => (byteOrder(b, a) < 0 ? b : a)) : undefined;
  const byKey = new Map<string, Item>();
  for (const item of reads.flatMap((r) => r.items)) {
    const key = String(item.sk);
    if ((bound === undefined || byteOrder(key, bound) <= 0) && !byKey.has(key)) byKey.set(key, item);
  }
  const entries = [...byKey.keys()].sort(byteOrder).map((k) => byKey.get(k)!);
  if (entries.length > page.limit) return { entries: entries.slice(0, page.limit), next: String(entries[page.limit - 1]!.sk) };
  return { entries, next: bound };
}

/**
 * A page of a listing over index partitions: entries from `unionPage`, resolved by `load` and
 * kept by `keep`, round after round until `limit` are kept, the index ends, or `MAX_ROUNDS` were read.
 */
export async function filteredPage<T>(
  db: Db,
  parts: readonly IndexPart[],
  page: ListingPage,
  load: (entries: Item[]) => Promise<T[]>,
  keep: (item: T) => boolean = () => true,
): Promise<ListingResult<T>> {
  const items: T[] = [];
  let after = page.after;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const { entries, next } = await unionPage(db, parts, { after, limit: page.limit - items.length });
    items.push(...(await load(entries)).filter(keep));
    after = next;
    if (after === undefined || items.length >= page.limit) break;
  }
  return { items, next: after };
}

/** The index partitions a source listing reads for its filters (the tag drives a combined filter). */
export function partsFor(filter: { readonly tag?: string; readonly domain?: string }, domain: Domain | undefined): IndexPart[] {
  if (filter.tag !== undefined) return [{ pk: catalogKeys.taggedSources(filter.tag) }];
  if (filter.domain !== undefined) {
    return [{ pk: catalogKeys.sourcesOfDomain(filter.domain) }, ...(domain?.tags ?? []).map((t) => ({ pk: catalogKeys.taggedSources(t), onSourceOnly: true }))];
  }
  return [{ pk: catalogKeys.allSources }];
}
