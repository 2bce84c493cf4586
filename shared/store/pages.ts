import { QueryCommand, ScanCommand, type QueryCommandInput, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Db } from './client.ts';
import { decodeCursor, encodeCursor, type Key } from './cursor.ts';

type Item = Record<string, unknown>;

/** One page as DynamoDB answers a Query or a Scan. */
interface RawPage {
  readonly Items?: Item[];
  readonly LastEvaluatedKey?: Key;
}

/** A page of a listing and the cursor of the next one (`null` at the end). */
export interface Page<T> {
  readonly items: T[];
  readonly cursor: string | null;
}

async function everyPage(read: (start: Key | undefined) => Promise<RawPage>): Promise<Item[]> {
  const out: Item[] = [];
  let start: Key | undefined;
  do {
    const page = await read(start);
    out.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

/** Runs a query to the end, page by page (bounded collections only). */
export async function queryAll<T = Item>(db: Db, input: QueryCommandInput): Promise<T[]> {
  return (await everyPage((start) => db.doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start })))) as T[];
}

/**
 * Runs a scan to the end, page by page (bounded tables only: the catalog, the IAMs, a simulation).
 * With `segments` above 1 it reads that many segments of the table at once, which DynamoDB serves
 * each on its own; the items then come in no promised order.
 */
export async function scanAll<T = Item>(db: Db, input: ScanCommandInput, segments = 1): Promise<T[]> {
  const segment = (part: Pick<ScanCommandInput, 'Segment' | 'TotalSegments'>) => everyPage((start) => db.doc.send(new ScanCommand({ ...input, ...part, ExclusiveStartKey: start })));
  if (segments === 1) return (await segment({})) as T[];
  const parts = await Promise.all(Array.from({ length: segments }, (_, Segment) => segment({ Segment, TotalSegments: segments })));
  return parts.flat() as T[];
}

/** One page of a query from an opaque cursor; the cursor refuses a key that was not a flat string key. */
export async function queryPage<T>(db: Db, input: QueryCommandInput, cursor: string | null | undefined, map: (item: Item) => T): Promise<Page<T>> {
  const res = await db.doc.send(new QueryCommand({ ...input, ExclusiveStartKey: decodeCursor(cursor) }));
  return { items: (res.Items ?? []).map(map), cursor: encodeCursor(res.LastEvaluatedKey) };
}

/** How much of a listing to read: at most `limit` items (default 100), from an opaque cursor. */
export interface PageRequest {
  readonly limit?: number;
  readonly cursor?: string | null;
}

/** One page of the items of one partition of a global secondary index (`<index>pk = pk`), in the index's order. */
export async function partitionPage<T>(
  db: Db,
  at: { readonly table: string; readonly index: 'gsi1' | 'gsi2'; readonly pk: string },
  request: PageRequest,
  map: (item: Item) => T,
): Promise<Page<T>> {
  const input = { TableName: at.table, IndexName: at.index, KeyConditionExpression: `${at.index}pk = :pk`, ExpressionAttributeValues: { ':pk': at.pk }, Limit: request.limit ?? 100 };
  return queryPage(db, input, request.cursor, map);
}
