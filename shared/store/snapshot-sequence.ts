/**
 * The order of snapshot changes without a queue on one item. A writer takes the next sequence
 * number with one atomic counter update (no condition, so concurrent writers never retry on
 * it), writes its change record into that number's slot in the transaction of its change, and
 * then publishes: it moves the snapshot version, the number readers read up to, over the
 * contiguous run of filled slots that reaches its own.
 *
 * Why this rather than retrying a conditional bump with backoff: a bump queues every writer on
 * the version item, so N concurrent writers need ~N rounds; here they all commit at once and
 * only the cheap publishing step is ordered. Ranger's policy deltas and OPA's delta bundles are
 * ordered by one writer; Warden has many, so the order is the counter's.
 *
 * The rule that keeps readers exact: every slot at or below the version is resolved (holds a
 * change record, or a tombstone of a number whose change never happened), and a resolved slot
 * is never rewritten (both are written only where nothing is). A writer answers only once the
 * version covers its slot. A slot whose writer died in between is tombstoned by a later writer
 * after `ABANDON_AFTER_MS`; if that writer was only slow, its transaction then fails on its
 * slot and it takes a new number, so no acknowledged change is ever under a tombstone.
 */
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './client.ts';
import { isConditionFailure } from './errors.ts';
import { policyKeys } from './key-formats.ts';

/** How long a reserved number may stay empty before a later writer tombstones it. */
export const ABANDON_AFTER_MS = 5000;
const POLL_MS = 5;

/** How long a change record is kept: an instance further behind than this reloads in full. */
export const CHANGE_RETENTION_SECONDS = 24 * 60 * 60;

/** The expiry of a slot written now (the TTL attribute of the policies table). */
export const purgeAt = (): number => Math.floor(Date.now() / 1000) + CHANGE_RETENTION_SECONDS;

/** A reserved number, with the version published when it was taken and when. */
export interface Reservation {
  readonly seq: number;
  readonly version: number;
  readonly at: number;
}

/**
 * Takes the next sequence number. A table written before numbers were reserved holds only a
 * version: the first reservation starts after it.
 */
export async function reserve(db: Db): Promise<Reservation> {
  const res = await db.doc.send(
    new UpdateCommand({
      TableName: db.tables.policies,
      Key: policyKeys.snapshot,
      UpdateExpression: 'SET #seq = if_not_exists(#seq, if_not_exists(#v, :zero)) + :one',
      ExpressionAttributeNames: { '#seq': 'seq', '#v': 'version' },
      ExpressionAttributeValues: { ':zero': 0, ':one': 1 },
      ReturnValues: 'ALL_NEW',
    }),
  );
  return { seq: Number(res.Attributes!.seq), version: Number(res.Attributes!.version ?? 0), at: performance.now() };
}

/**
 * Fills slot `seq` with a tombstone unless it is filled already: what a writer that gives up
 * its number does, and what a later one does for a number abandoned. An update rather than a
 * put: the userinfo function may only update the snapshot partition.
 */
export async function tombstone(db: Db, seq: number): Promise<void> {
  try {
    await db.doc.send(
      new UpdateCommand({
        TableName: db.tables.policies,
        Key: policyKeys.change(seq),
        UpdateExpression: 'SET #abandoned = :yes, #purge = :purge',
        ConditionExpression: 'attribute_not_exists(pk)',
        ExpressionAttributeNames: { '#abandoned': 'abandoned', '#purge': 'purgeAt' },
        ExpressionAttributeValues: { ':yes': true, ':purge': purgeAt() },
      }),
    );
  } catch (err) {
    // Filled meanwhile: by its change, which then counts, or by another tombstone.
    if (!isConditionFailure(err)) throw err;
  }
}

/** The published version (0 before any change), read strongly consistent. */
export async function readSnapshotVersion(db: Db): Promise<number> {
  const res = await db.doc.send(new GetCommand({ TableName: db.tables.policies, Key: policyKeys.snapshot, ConsistentRead: true }));
  return Number(res.Item?.version ?? 0);
}

/** The last slot of the run of filled slots after `version` up to `seq`. */
async function filledUpTo(db: Db, version: number, seq: number): Promise<number> {
  const res = await db.doc.send(
    new QueryCommand({
      TableName: db.tables.policies,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': policyKeys.snapshot.pk, ':from': policyKeys.change(version + 1).sk, ':to': policyKeys.change(seq).sk },
      ProjectionExpression: 'sk',
      ConsistentRead: true,
    }),
  );
  let last = version;
  for (const item of res.Items ?? []) {
    if (item.sk !== policyKeys.change(last + 1).sk) break;
    last++;
  }
  return last;
}

/** Moves the version up to `to` unless it is there already; answers the version after. */
async function advance(db: Db, to: number): Promise<number> {
  try {
    await db.doc.send(
      new UpdateCommand({
        TableName: db.tables.policies,
        Key: policyKeys.snapshot,
        UpdateExpression: 'SET #v = :to',
        ConditionExpression: 'attribute_not_exists(#v) OR #v < :to',
        ExpressionAttributeNames: { '#v': 'version' },
        ExpressionAttributeValues: { ':to': to },
      }),
    );
    return to;
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
    return readSnapshotVersion(db);
  }
}

/**
 * Returns once the version covers `reservation`'s slot, which its writer has filled: moves it
 * over the filled slots before, waiting for the writers of earlier numbers still in flight and
 * tombstoning a number still empty `ABANDON_AFTER_MS` after this one was taken.
 */
export async function publish(db: Db, reservation: Reservation): Promise<void> {
  const { seq } = reservation;
  let version = reservation.version;
  while (version < seq) {
    // The slot just filled is the only one after the version when no other writer was ahead.
    const filled = version === seq - 1 ? seq : await filledUpTo(db, version, seq);
    if (filled > version) version = await advance(db, filled);
    else if (performance.now() - reservation.at > ABANDON_AFTER_MS) await tombstone(db, version + 1);
    else {
      await new Promise((r) => setTimeout(r, POLL_MS * (1 + Math.random())));
      version = await readSnapshotVersion(db);
    }
  }
}
