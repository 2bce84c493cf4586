import {
  BatchWriteCommand,
  QueryCommand,
  TransactWriteCommand,
  type QueryCommandInput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Db } from './client.ts';
import { ConflictError, failedConditionIndex, isConditionFailure } from './errors.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * Writes items atomically. When the condition of item `i` fails, `onConflict(i)` names the
 * error to throw (a uniqueness marker, a stale version …).
 */
export async function transact(
  db: Db,
  items: TransactItem[],
  onConflict: (index: number) => Error = () => new ConflictError('conflicting write'),
): Promise<void> {
  try {
    await db.doc.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (err) {
    if (isConditionFailure(err)) throw onConflict(failedConditionIndex(err));
    throw err;
  }
}

/** Runs a query to the end, page by page (bounded collections only). */
export async function queryAll<T = Record<string, unknown>>(db: Db, input: QueryCommandInput): Promise<T[]> {
  const out: T[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    out.push(...((page.Items ?? []) as T[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

/** Deletes keys in batches of 25, retrying unprocessed ones. */
export async function batchDelete(db: Db, table: string, itemKeys: Array<Record<string, unknown>>): Promise<void> {
  for (let i = 0; i < itemKeys.length; i += 25) {
    let requests = itemKeys.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } }));
    for (let attempt = 0; requests.length && attempt < 8; attempt++) {
      const res = await db.doc.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
      requests = (res.UnprocessedItems?.[table] ?? []) as typeof requests;
      if (requests.length) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
    }
  }
}

/** The current time as ISO-8601. */
export const nowIso = (): string => new Date().toISOString();
