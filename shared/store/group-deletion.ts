import { DeleteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { batchDelete } from './batch.ts';
import type { Db } from './client.ts';
import type { Key } from './cursor.ts';
import { identityKeys } from './key-formats.ts';
import { queryAll } from './pages.ts';

/**
 * A group is deleted in one transaction that removes its profile, markers and attributes item
 * and writes its tombstone; from then on no view, decision or member read sees it (readers skip
 * a membership whose group has no profile). Its memberships, one item per member, are removed
 * after, by `purgeDeletedGroups`, in pages, idempotently. The tombstone keeps the id from being
 * created again until the purge is done, so a new group never inherits a stale membership.
 */

/** What a tombstone names: the group and when it was deleted. */
export interface DeletedGroup {
  readonly iamid: string;
  readonly groupId: string;
  readonly deletedAt: string;
}

/** Memberships read (and then deleted) per Query: bounded work per step. */
const PURGE_PAGE = 1000;

/**
 * How long a membership written just before the deletion may take to appear in gsi1 (an
 * eventually consistent index, typically well under a second): a tombstone is removed only by
 * a pass that starts this long after the deletion and finds no membership left.
 */
export const INDEX_SETTLE_MS = 30_000;

/** The tombstone item of a deleted group, listed oldest first in `DELETEDGROUPS`. */
export function tombstoneItem(g: DeletedGroup): Record<string, unknown> {
  return { pk: identityKeys.group(g.iamid, g.groupId), sk: identityKeys.groupDeleted, gsi2pk: identityKeys.deletedGroups, gsi2sk: `${g.deletedAt}#${g.iamid}#${g.groupId}`, ...g };
}

/** How long a purge may run (`deadline`, epoch ms) and how long the index is given to settle (default `INDEX_SETTLE_MS`). */
export interface PurgeOptions {
  readonly deadline: number;
  readonly settleMs?: number;
}

/**
 * Removes the memberships of one deleted group, a page at a time, until the deadline; true once
 * none is left and the tombstone is gone. Safe to run twice at once or after a crash.
 */
export async function purgeDeletedGroup(db: Db, g: DeletedGroup, { deadline, settleMs = INDEX_SETTLE_MS }: PurgeOptions): Promise<boolean> {
  const table = db.tables.identities;
  const pk = identityKeys.group(g.iamid, g.groupId);
  const started = Date.now();
  let found = 0;
  let start: Key | undefined;
  do {
    if (Date.now() > deadline) return false;
    const res = await db.doc.send(
      new QueryCommand({ TableName: table, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ProjectionExpression: 'pk, sk', Limit: PURGE_PAGE, ExclusiveStartKey: start }),
    );
    const items = res.Items ?? [];
    found += items.length;
    await batchDelete(db, table, items);
    start = res.LastEvaluatedKey;
  } while (start);
  // Items of the group's own partition that earlier versions kept (one per attribute key).
  const own = await queryAll(db, { TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ProjectionExpression: 'pk, sk' });
  await batchDelete(db, table, own.filter((i) => i.sk !== identityKeys.groupDeleted));
  if (found > 0 || started < Date.parse(g.deletedAt) + settleMs) return false;
  await db.doc.send(new DeleteCommand({ TableName: table, Key: { pk, sk: identityKeys.groupDeleted } }));
  return true;
}

/** What one sweep did: groups whose purge finished, and those left for a later sweep. */
export interface PurgeResult {
  readonly purged: number;
  readonly pending: number;
}

/** Purges every deleted group, oldest first, until the deadline. */
export async function purgeDeletedGroups(db: Db, options: PurgeOptions): Promise<PurgeResult> {
  const tombstones = await queryAll<DeletedGroup>(db, {
    TableName: db.tables.identities,
    IndexName: 'gsi2',
    KeyConditionExpression: 'gsi2pk = :pk',
    ExpressionAttributeValues: { ':pk': identityKeys.deletedGroups },
    ProjectionExpression: 'iamid, groupId, deletedAt',
  });
  let purged = 0;
  for (const g of tombstones) if (Date.now() < options.deadline && (await purgeDeletedGroup(db, g, options))) purged++;
  return { purged, pending: tombstones.length - purged };
}
