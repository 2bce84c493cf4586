import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DataSource } from '#shared/model/catalog.ts';
import { runBackfill, type BackfillOptions } from './backfill-scan.ts';
import { batchGetAll } from './batch.ts';
import type { Db } from './client.ts';
import { indexChanges } from './catalog-index.ts';
import { ConflictError, isConditionFailure, TagIndexLimitError } from './errors.ts';
import { catalogKeys } from './key-formats.ts';
import { transact } from './transact.ts';

/** What a backfill did so far: the sources and domains it indexed, the sources too large for the index, and whether it is finished. */
export interface BackfillReport {
  readonly sources: number;
  readonly domains: number;
  readonly tooLarge: string[];
  readonly done: boolean;
}

/** The report as a pass adds to it. */
type Report = { sources: number; domains: number; tooLarge: string[] };

/** Indexes what one scan page holds that the index does not; adds it to `report`. */
async function indexPage(db: Db, stored: Record<string, unknown>[], report: Report): Promise<void> {
  const TableName = db.tables.catalog;
  const sourceIds = stored.filter((i) => String(i.pk).startsWith(catalogKeys.sourcePrefix)).map((i) => String(i.id));
  const entries = await batchGetAll(db, TableName, sourceIds.map((sk) => ({ pk: catalogKeys.allSources, sk })), { ConsistentRead: true });
  const indexed = new Set(entries.map((e) => String(e.sk)));
  for (const item of stored) {
    const at = { pk: String(item.pk), sk: catalogKeys.meta };
    try {
      if (at.pk.startsWith(catalogKeys.domainPrefix)) {
        // A domain's copy is replaced only by a newer version of it.
        const copy = { ...item, pk: catalogKeys.allDomains, sk: String(item.id) };
        await db.doc.send(new PutCommand({ TableName, Item: copy, ConditionExpression: 'attribute_not_exists(pk) OR version < :v', ExpressionAttributeValues: { ':v': item.version } }));
        report.domains++;
      } else if (!indexed.has(String(item.id))) {
        const source = { ...(item as unknown as DataSource), columns: (item.columns as DataSource['columns'] | undefined) ?? [], tags: (item.tags as string[] | undefined) ?? [] };
        const unchanged = { ConditionCheck: { TableName, Key: at, ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': item.version } } };
        await transact(db, [unchanged, ...indexChanges(TableName, undefined, source)]);
        report.sources++;
      }
    } catch (err) {
      if (err instanceof TagIndexLimitError) report.tooLarge.push(String(item.id));
      // A condition that fails: written since, by a write that indexed it.
      else if (!isConditionFailure(err) && !(err instanceof ConflictError)) throw err;
    }
  }
}

/**
 * Writes the listing index of the sources and domains stored before it existed (a catalog kept
 * from an earlier version), once: a marker item says it was done. Safe beside live writes: each
 * source is indexed in one transaction conditional on its version and on having no index entry,
 * so a concurrent write of it (which then indexes it itself) or a second run keeps the counts exact.
 * Resumable (see `runBackfill`).
 */
export function backfillCatalogIndex(db: Db, options: BackfillOptions = {}): Promise<BackfillReport> {
  return runBackfill<Report>(
    db,
    {
      table: db.tables.catalog,
      done: catalogKeys.backfilled,
      progress: catalogKeys.backfilling,
      scan: {
        FilterExpression: 'sk = :meta AND (begins_with(pk, :source) OR begins_with(pk, :domain))',
        ExpressionAttributeValues: { ':meta': catalogKeys.meta, ':source': catalogKeys.sourcePrefix, ':domain': catalogKeys.domainPrefix },
      },
      resume: (saved) => ({ sources: saved?.sources ?? 0, domains: saved?.domains ?? 0, tooLarge: [...(saved?.tooLarge ?? [])] }),
      page: (items, report) => indexPage(db, items, report),
    },
    options,
  );
}
