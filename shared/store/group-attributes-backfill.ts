import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from './batch.ts';
import type { BackfillOptions } from './catalog-backfill.ts';
import type { Db } from './client.ts';
import type { Key } from './cursor.ts';
import { GroupAttributesLimitError, NotFoundError } from './errors.ts';
import { groupAttributesKey, moveGroupAttributes } from './group-attributes.ts';
import { identityKeys } from './key-formats.ts';

/** What a move of groups' attributes did so far: the groups moved, those too large for one item (`iamid/id`), and whether it is finished. */
export interface GroupAttributesBackfillReport {
  readonly groups: number;
  readonly tooLarge: string[];
  readonly done: boolean;
}

type Progress = Omit<GroupAttributesBackfillReport, 'done'> & { readonly cursor?: Key };

/** Groups of one page moved at once: each is a read and a transaction. */
const CONCURRENCY = 8;

/** Moves the groups of one scan page that have no attributes item yet; adds them to `report`. */
async function movePage(db: Db, profiles: Record<string, unknown>[], report: { groups: number; tooLarge: string[] }): Promise<void> {
  const TableName = db.tables.identities;
  const groups = profiles.map((p) => ({ iamid: String(p.iamid), id: String(p.id) }));
  const held = await batchGetAll(db, TableName, groups.map((g) => groupAttributesKey(g.iamid, g.id)), { ConsistentRead: true, ProjectionExpression: 'pk' });
  const moved = new Set(held.map((i) => String(i.pk)));
  const pending = groups.filter((g) => !moved.has(identityKeys.group(g.iamid, g.id)));
  for (let i = 0; i < pending.length; i += CONCURRENCY) {
    await Promise.all(
      pending.slice(i, i + CONCURRENCY).map(async (g) => {
        try {
          if (await moveGroupAttributes(db, g.iamid, g.id)) report.groups++;
        } catch (err) {
          // Too large: it keeps its per-key items, which readers still read. Gone: deleted since.
          if (err instanceof GroupAttributesLimitError) report.tooLarge.push(`${g.iamid}/${g.id}`);
          else if (!(err instanceof NotFoundError)) throw err;
        }
      }),
    );
  }
}

/**
 * Gives every group stored before the attributes item existed (an identities table kept from an
 * earlier version) its item, once: a marker item says it was done. Until then such a group costs
 * a user's view one Query of its partition instead of two keys of a batch. Safe beside live
 * writes: each move is the same conditional write as an attribute change, which a concurrent
 * change either follows or makes unneeded. Resumable as the catalog's backfill is: after each scan
 * page it stores where it is, and a call stopped by `until` is continued by the next call.
 */
export async function backfillGroupAttributes(db: Db, options: BackfillOptions = {}): Promise<GroupAttributesBackfillReport> {
  const TableName = db.tables.identities;
  const done = await db.doc.send(new GetCommand({ TableName, Key: identityKeys.groupAttributesMoved, ConsistentRead: true }));
  if (done.Item) return { groups: 0, tooLarge: [], done: true };
  const saved = (await db.doc.send(new GetCommand({ TableName, Key: identityKeys.groupAttributesMoving, ConsistentRead: true }))).Item as Progress | undefined;
  const report = { groups: saved?.groups ?? 0, tooLarge: [...(saved?.tooLarge ?? [])] };
  let cursor = saved?.cursor;
  do {
    const page = await db.doc.send(
      new ScanCommand({
        TableName,
        FilterExpression: 'sk = :profile AND begins_with(pk, :group)',
        ExpressionAttributeValues: { ':profile': identityKeys.profile, ':group': identityKeys.groupPrefix },
        ProjectionExpression: '#iam, #id',
        ExpressionAttributeNames: { '#iam': 'iamid', '#id': 'id' },
        ConsistentRead: true,
        Limit: options.pageSize ?? 500,
        ExclusiveStartKey: cursor,
      }),
    );
    await movePage(db, page.Items ?? [], report);
    cursor = page.LastEvaluatedKey;
    await db.doc.send(new PutCommand({ TableName, Item: { ...identityKeys.groupAttributesMoving, ...report, ...(cursor ? { cursor } : {}) } }));
    if (cursor && options.until !== undefined && Date.now() >= options.until) return { ...report, done: false };
  } while (cursor);
  await db.doc.send(new PutCommand({ TableName, Item: { ...identityKeys.groupAttributesMoved, at: new Date().toISOString(), ...report } }));
  return { ...report, done: true };
}
