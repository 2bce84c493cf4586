import { GetCommand, PutCommand, ScanCommand, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Db } from './client.ts';
import type { Key } from './cursor.ts';

/** How far one call of a backfill goes. */
export interface BackfillOptions {
  /** No page but the first is started after this time (`Date.now()`): a call in a Lambda stops before its timeout, and every call progresses. */
  readonly until?: number;
  /**
   * Items one scan page reads.
   * @default 500
   */
  readonly pageSize?: number;
}

type ItemKey = { readonly pk: string; readonly sk: string };

/** A one-time pass over a table kept from an earlier version: the items a scan keeps, page by page. */
export interface BackfillScan<R extends object> {
  readonly table: string;
  /** Written once the pass finished: its presence ends every later call at once. */
  readonly done: ItemKey;
  /** Where an unfinished pass stopped (the scan's position), with its report so far. */
  readonly progress: ItemKey;
  /** What the scan keeps and reads of each item. */
  readonly scan: Pick<ScanCommandInput, 'FilterExpression' | 'ExpressionAttributeValues' | 'ExpressionAttributeNames' | 'ProjectionExpression'>;
  /** The report of a pass resumed from its saved progress, or of one not begun (undefined). */
  readonly resume: (saved: Partial<R> | undefined) => R;
  /** Does the pass's work on one page, adding it to `report`. */
  readonly page: (items: Record<string, unknown>[], report: R) => Promise<void>;
}

/**
 * Runs a backfill's pass once for the table: a marker item says it was done. Resumable: after
 * each scan page it stores where it is and what it did, so a call stopped by `until` (or killed)
 * is continued by the next call; the report is of every call so far, `done` once it finished.
 */
export async function runBackfill<R extends object>(db: Db, b: BackfillScan<R>, options: BackfillOptions = {}): Promise<R & { readonly done: boolean }> {
  const TableName = b.table;
  const finished = await db.doc.send(new GetCommand({ TableName, Key: b.done, ConsistentRead: true }));
  if (finished.Item) return { ...b.resume(undefined), done: true };
  const saved = (await db.doc.send(new GetCommand({ TableName, Key: b.progress, ConsistentRead: true }))).Item as (Partial<R> & { readonly cursor?: Key }) | undefined;
  const report = b.resume(saved);
  let cursor = saved?.cursor;
  do {
    const page = await db.doc.send(new ScanCommand({ TableName, ...b.scan, ConsistentRead: true, Limit: options.pageSize ?? 500, ExclusiveStartKey: cursor }));
    await b.page(page.Items ?? [], report);
    cursor = page.LastEvaluatedKey;
    await db.doc.send(new PutCommand({ TableName, Item: { ...b.progress, ...report, ...(cursor ? { cursor } : {}) } }));
    if (cursor && options.until !== undefined && Date.now() >= options.until) return { ...report, done: false };
  } while (cursor);
  await db.doc.send(new PutCommand({ TableName, Item: { ...b.done, at: new Date().toISOString(), ...report } }));
  return { ...report, done: true };
}
