import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DataSource } from '#shared/model/catalog.ts';
import type { Db } from './client.ts';
import { indexChanges } from './catalog-index.ts';
import { ConflictError, isConditionFailure, TagIndexLimitError } from './errors.ts';
import { catalogKeys } from './key-formats.ts';
import { queryAll, scanAll } from './pages.ts';
import { transact } from './transact.ts';

/** What a backfill did: the sources and domains it indexed, and the sources too large for the index. */
export interface BackfillReport {
  readonly sources: number;
  readonly domains: number;
  readonly tooLarge: string[];
}

/**
 * Writes the listing index of the sources and domains stored before it existed (a catalog kept
 * from an earlier version), once: a marker item says it was done. Safe beside live writes: each
 * source is indexed in one transaction conditional on its version and on having no index entry,
 * so a concurrent write of it (which then indexes it itself) or a second run keeps the counts exact.
 */
export async function backfillCatalogIndex(db: Db): Promise<BackfillReport> {
  const TableName = db.tables.catalog;
  const done = await db.doc.send(new GetCommand({ TableName, Key: catalogKeys.backfilled, ConsistentRead: true }));
  if (done.Item) return { sources: 0, domains: 0, tooLarge: [] };
  const indexed = new Set(
    (await queryAll(db, { TableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': catalogKeys.allSources }, ConsistentRead: true })).map((e) => String(e.sk)),
  );
  const stored = await scanAll(db, {
    TableName,
    FilterExpression: 'sk = :meta AND (begins_with(pk, :source) OR begins_with(pk, :domain))',
    ExpressionAttributeValues: { ':meta': catalogKeys.meta, ':source': catalogKeys.sourcePrefix, ':domain': catalogKeys.domainPrefix },
    ConsistentRead: true,
  });
  const report = { sources: 0, domains: 0, tooLarge: [] as string[] };
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
  await db.doc.send(new PutCommand({ TableName, Item: { ...catalogKeys.backfilled, at: new Date().toISOString(), ...report } }));
  return report;
}
