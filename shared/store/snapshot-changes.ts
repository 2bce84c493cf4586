import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './client.ts';
import { StoreUnavailableError } from './errors.ts';
import { policyKeys } from './key-formats.ts';
import { queryAll } from './pages.ts';
import { transact, type TransactItem } from './transact.ts';

/** What one snapshot version changed: an item decisions read, written or deleted. */
export interface SnapshotChange {
  readonly kind: 'source' | 'domain' | 'policy' | 'trust';
  readonly id: string;
  readonly op: 'put' | 'delete';
}

/** How long a change record is kept: an instance further behind than this reloads in full. */
export const CHANGE_RETENTION_SECONDS = 24 * 60 * 60;

/**
 * How many times a write tries when other changes keep taking the version it read: writers of
 * one deployment are serialized on the version item, so a burst of N concurrent changes needs
 * about N rounds for the last of them (backoff with full jitter spreads them out).
 */
const BUMP_ATTEMPTS = 40;
const BACKOFF_CAP_MS = 200;

const LOST_RACE = new Error('lost the snapshot version race');

function bumpItems(db: Db, read: number, change: SnapshotChange): TransactItem[] {
  const next = read + 1;
  return [
    {
      Update: {
        TableName: db.tables.policies,
        Key: policyKeys.snapshot,
        UpdateExpression: 'SET #v = :next',
        ...(read === 0 ? { ConditionExpression: 'attribute_not_exists(pk)' } : { ConditionExpression: '#v = :read' }),
        ExpressionAttributeNames: { '#v': 'version' },
        ExpressionAttributeValues: { ':next': next, ...(read === 0 ? {} : { ':read': read }) },
      },
    },
    {
      // An update rather than a put: the userinfo function may only update this partition.
      Update: {
        TableName: db.tables.policies,
        Key: policyKeys.change(next),
        UpdateExpression: 'SET #kind = :kind, #id = :id, #op = :op, #purge = :purge',
        ConditionExpression: 'attribute_not_exists(pk)',
        ExpressionAttributeNames: { '#kind': 'kind', '#id': 'id', '#op': 'op', '#purge': 'purgeAt' },
        ExpressionAttributeValues: { ':kind': change.kind, ':id': change.id, ':op': change.op, ':purge': Math.floor(Date.now() / 1000) + CHANGE_RETENTION_SECONDS },
      },
    },
  ];
}

const lostToAnother = (err: unknown): boolean =>
  err instanceof Error && err.name === 'TransactionCanceledException' && ((err as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? []).some((r) => r.Code === 'TransactionConflict');

/**
 * Writes `items` atomically with the next snapshot version and the record of `change` under it.
 * The version is read, then set conditionally on it; when another change took it first the
 * write is retried from a fresh read (a bounded number of times, then `StoreUnavailableError`).
 * A failed condition of one of `items` is `onConflict(i)`, as with `transact`. Returns the version.
 */
export async function transactChange(db: Db, change: SnapshotChange, items: readonly TransactItem[], onConflict: (index: number) => Error): Promise<number> {
  for (let attempt = 0; attempt < BUMP_ATTEMPTS; attempt++) {
    if (attempt) await new Promise((r) => setTimeout(r, Math.random() * Math.min(BACKOFF_CAP_MS, 5 * 2 ** attempt)));
    const read = await readSnapshotVersion(db);
    try {
      await transact(db, [...items, ...bumpItems(db, read, change)], (i) => (i >= items.length ? LOST_RACE : onConflict(i)));
      return read + 1;
    } catch (err) {
      if (err !== LOST_RACE && !lostToAnother(err)) throw err;
    }
  }
  throw new StoreUnavailableError('the snapshot version kept changing under this write: too many concurrent changes');
}

/** The current snapshot version (0 before any change), read strongly consistent. */
export async function readSnapshotVersion(db: Db): Promise<number> {
  const res = await db.doc.send(new GetCommand({ TableName: db.tables.policies, Key: policyKeys.snapshot, ConsistentRead: true }));
  return Number(res.Item?.version ?? 0);
}

/** More changes than this between two versions are not read one by one: a full load is cheaper. */
export const MAX_CHANGES_READ = 1000;

/**
 * The changes of versions `after` + 1 … `upTo`, oldest first, in one Query; undefined when they
 * cannot all be read (more than `MAX_CHANGES_READ`, or some already expired).
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
  return items.map((i) => ({ kind: i.kind, id: i.id, op: i.op }) as SnapshotChange);
}
