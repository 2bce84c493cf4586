import { BatchWriteItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, type BatchGetCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Db } from './client.ts';
import { StoreUnavailableError } from './errors.ts';

type Item = Record<string, unknown>;
type KeysAndAttributes = NonNullable<BatchGetCommandInput['RequestItems']>[string];
type GetRequest = Record<string, KeysAndAttributes>;
/** One write of a BatchWriteItem. */
export type WriteRequest = { PutRequest: { Item: Item } } | { DeleteRequest: { Key: Item } };

/** BatchGetItem reads at most 100 keys a call, BatchWriteItem writes at most 25 items. */
const GET_LIMIT = 100;
const WRITE_LIMIT = 25;
const ATTEMPTS = 8;

const backoff = (attempt: number) => new Promise((r) => setTimeout(r, 10 * 2 ** attempt));

/**
 * Sends a batch, then what DynamoDB left unprocessed, backing off between tries (it leaves
 * items when a partition is throttled); returns what is still left after the last try.
 */
async function untilProcessed<R>(request: R, send: (r: R) => Promise<R | undefined>, isEmpty: (r: R) => boolean): Promise<R> {
  let pending = request;
  for (let attempt = 0; !isEmpty(pending) && attempt < ATTEMPTS; attempt++) {
    if (attempt) await backoff(attempt);
    pending = (await send(pending)) ?? pending;
  }
  return pending;
}

const noKeys = (r: GetRequest) => Object.values(r).every((t) => !t.Keys?.length);

/**
 * The items of a BatchGetItem over one or more tables (at most 100 keys in all), unprocessed
 * keys retried; keys still unread after the retries are a `StoreUnavailableError`.
 */
export async function batchGet(db: Db, request: GetRequest): Promise<Item[]> {
  const items: Item[] = [];
  const left = await untilProcessed(
    request,
    async (r) => {
      const res = await db.doc.send(new BatchGetCommand({ RequestItems: r }));
      for (const list of Object.values(res.Responses ?? {})) items.push(...list);
      return (res.UnprocessedKeys ?? {}) as GetRequest;
    },
    noKeys,
  );
  if (!noKeys(left)) throw new StoreUnavailableError('dynamodb left keys of a batch read unprocessed');
  return items;
}

/**
 * The items of any number of keys of one table, projected as `attributes` says: 100 keys a call,
 * the calls sent at once (a page of 1,000 keys is ten reads in parallel, not one after another).
 */
export async function batchGetAll(db: Db, table: string, keys: readonly Item[], attributes: Omit<KeysAndAttributes, 'Keys'> = {}): Promise<Item[]> {
  const calls: Promise<Item[]>[] = [];
  for (let i = 0; i < keys.length; i += GET_LIMIT) calls.push(batchGet(db, { [table]: { ...attributes, Keys: keys.slice(i, i + GET_LIMIT) } }));
  return (await Promise.all(calls)).flat();
}

/** Writes up to 25 requests in one table, unprocessed ones retried; returns those never written. */
export async function batchWrite(db: Db, table: string, requests: readonly WriteRequest[]): Promise<WriteRequest[]> {
  return untilProcessed(
    [...requests],
    async (r) => {
      const res = await db.doc.send(new BatchWriteCommand({ RequestItems: { [table]: r } }));
      return (res.UnprocessedItems?.[table] ?? []) as WriteRequest[];
    },
    (r) => r.length === 0,
  );
}

/** A put of an item already marshalled, as the low-level client sends it. */
export type MarshalledPut = { PutRequest: { Item: Record<string, AttributeValue> } };

/** `batchWrite` of up to 25 marshalled puts through the low-level client (`db.raw`); returns those never written. */
export async function batchPutMarshalled(db: Db, table: string, puts: readonly MarshalledPut[]): Promise<MarshalledPut[]> {
  return untilProcessed(
    [...puts],
    async (r) => {
      const res = await db.raw.send(new BatchWriteItemCommand({ RequestItems: { [table]: r } }));
      return (res.UnprocessedItems?.[table] ?? []) as MarshalledPut[];
    },
    (r) => r.length === 0,
  );
}

/** Batch deletes in flight at once: a group of 100,000 members is 4,000 calls, too many to wait for one by one. */
const DELETE_CONCURRENCY = 8;

/** Deletes any number of keys of one table, 25 a call, 8 calls at once; a key never deleted is a `StoreUnavailableError`. */
export async function batchDelete(db: Db, table: string, keys: readonly Item[]): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next; i < keys.length; i = next) {
      next += WRITE_LIMIT;
      const left = await batchWrite(db, table, keys.slice(i, i + WRITE_LIMIT).map((Key) => ({ DeleteRequest: { Key } })));
      if (left.length) throw new StoreUnavailableError('dynamodb left items of a batch delete unprocessed');
    }
  };
  await Promise.all(Array.from({ length: DELETE_CONCURRENCY }, worker));
}
