import type { Db } from './client.ts';
import { StoreUnavailableError } from './errors.ts';
import { policyKeys } from './key-formats.ts';
import { queryAll } from './pages.ts';
import { publish, purgeAt, reserve, tombstone } from './snapshot-sequence.ts';
import { transact, type TransactItem } from './transact.ts';

export { CHANGE_RETENTION_SECONDS, readSnapshotVersion } from './snapshot-sequence.ts';

/** What one snapshot version changed: an item decisions read, written or deleted. */
export interface SnapshotChange {
  readonly kind: 'source' | 'domain' | 'policy' | 'trust';
  readonly id: string;
  readonly op: 'put' | 'delete';
}

/** How many times a write tries when its transaction loses to a concurrent one on an item it shares (a tag counter, the trust item). */
const WRITE_ATTEMPTS = 40;
const BACKOFF_CAP_MS = 200;

const SLOT_TAKEN = new Error('the reserved snapshot slot was given up as abandoned');

function changeRecord(db: Db, seq: number, change: SnapshotChange): TransactItem {
  return {
    // An update rather than a put: the userinfo function may only update this partition.
    Update: {
      TableName: db.tables.policies,
      Key: policyKeys.change(seq),
      UpdateExpression: 'SET #kind = :kind, #id = :id, #op = :op, #purge = :purge',
      ConditionExpression: 'attribute_not_exists(pk)',
      ExpressionAttributeNames: { '#kind': 'kind', '#id': 'id', '#op': 'op', '#purge': 'purgeAt' },
      ExpressionAttributeValues: { ':kind': change.kind, ':id': change.id, ':op': change.op, ':purge': purgeAt() },
    },
  };
}

const lostToAnother = (err: unknown): boolean =>
  err instanceof Error && err.name === 'TransactionCanceledException' && ((err as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? []).some((r) => r.Code === 'TransactionConflict');

/**
 * Writes `items` atomically with the record of `change` under the next sequence number, and
 * answers that number once the snapshot version covers it (see `snapshot-sequence.ts`). A
 * transaction that loses to a concurrent one on a shared item is retried under a new number
 * (a bounded number of times, then `StoreUnavailableError`). A failed condition of one of
 * `items` is `onConflict(i)`, as with `transact`.
 */
export async function transactChange(db: Db, change: SnapshotChange, items: readonly TransactItem[], onConflict: (index: number) => Error): Promise<number> {
  for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
    if (attempt) await new Promise((r) => setTimeout(r, Math.random() * Math.min(BACKOFF_CAP_MS, 5 * 2 ** attempt)));
    const reservation = await reserve(db);
    try {
      await transact(db, [...items, changeRecord(db, reservation.seq, change)], (i) => (i >= items.length ? SLOT_TAKEN : onConflict(i)));
    } catch (err) {
      // Whatever became of the transaction, its slot is now settled: readers need not wait for it.
      await tombstone(db, reservation.seq);
      if (err !== SLOT_TAKEN && !lostToAnother(err)) throw err;
      continue;
    }
    await publish(db, reservation);
    return reservation.seq;
  }
  throw new StoreUnavailableError('this write kept losing to concurrent changes of the same items');
}

/** More changes than this between two versions are not read one by one: a full load is cheaper. */
export const MAX_CHANGES_READ = 1000;

/**
 * The changes of versions `after` + 1 … `upTo`, oldest first, in one Query (a number given up
 * holds no change); undefined when they cannot all be read (more than `MAX_CHANGES_READ`, or
 * some already expired).
 */
export async function readChanges(db: Db, after: number, upTo: number): Promise<SnapshotChange[] | undefined> {
  if (upTo - after > MAX_CHANGES_READ || upTo < after) return undefined;
  if (upTo === after) return [];
  const items = await queryAll(db, {
    TableName: db.tables.policies,
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': policyKeys.snapshot.pk, ':from': policyKeys.change(after + 1).sk, ':to': policyKeys.change(upTo).sk },
    ConsistentRead: true,
  });
  if (items.length !== upTo - after) return undefined;
  return items.filter((i) => !i.abandoned).map((i) => ({ kind: i.kind, id: i.id, op: i.op }) as SnapshotChange);
}
