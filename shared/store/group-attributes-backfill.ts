import { batchGetAll } from './batch.ts';
import { runBackfill, type BackfillOptions } from './backfill-scan.ts';
import type { Db } from './client.ts';
import { GroupAttributesLimitError, NotFoundError } from './errors.ts';
import { groupAttributesKey, moveGroupAttributes } from './group-attributes.ts';
import { identityKeys } from './key-formats.ts';

/** What a move of groups' attributes did so far: the groups moved, those too large for one item (`iamid/id`), and whether it is finished. */
export interface GroupAttributesBackfillReport {
  readonly groups: number;
  readonly tooLarge: string[];
  readonly done: boolean;
}

/** The report as a pass adds to it. */
type Report = { groups: number; tooLarge: string[] };

/** Groups of one page moved at once: each is a read and a transaction. */
const CONCURRENCY = 8;

/** Moves the groups of one scan page that have no attributes item yet; adds them to `report`. */
async function movePage(db: Db, profiles: Record<string, unknown>[], report: Report): Promise<void> {
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
 * earlier version) its item, once. Until then such a group costs a user's view one Query of its
 * partition instead of two keys of a batch. Safe beside live writes: each move is the same
 * conditional write as an attribute change, which a concurrent change either follows or makes
 * unneeded. Resumable as the catalog's backfill is (see `runBackfill`).
 */
export function backfillGroupAttributes(db: Db, options: BackfillOptions = {}): Promise<GroupAttributesBackfillReport> {
  return runBackfill<Report>(
    db,
    {
      table: db.tables.identities,
      done: identityKeys.groupAttributesMoved,
      progress: identityKeys.groupAttributesMoving,
      scan: {
        FilterExpression: 'sk = :profile AND begins_with(pk, :group)',
        ExpressionAttributeValues: { ':profile': identityKeys.profile, ':group': identityKeys.groupPrefix },
        ProjectionExpression: '#iam, #id',
        ExpressionAttributeNames: { '#iam': 'iamid', '#id': 'id' },
      },
      resume: (saved) => ({ groups: saved?.groups ?? 0, tooLarge: [...(saved?.tooLarge ?? [])] }),
      page: (items, report) => movePage(db, items, report),
    },
    options,
  );
}
