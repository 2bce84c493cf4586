import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditInput } from '#shared/audit/record.ts';
import type { AuditRepository } from './audit.ts';
import { normaliseOwners, type DataSource, type DataSourceInput, type Domain, type DomainInput, type OwnerInput } from '#shared/model/catalog.ts';
import type { Db } from './client.ts';
import { VersionMismatchError } from './errors.ts';
import { bumpSnapshot, deleteDecisionInput } from './policies.ts';
import { nowIso, transact, type TransactItem } from './transact.ts';
import { withoutKeys } from './item.ts';
import { catalogKeys } from './key-formats.ts';
import { scanAll } from './pages.ts';

/**
 * The source a write of `input` makes of `current`: owners name their IAM, and the disabled
 * policies are kept when the input leaves them out (a catalog sync does not re-enable them).
 */
export function nextSource(id: string, input: DataSourceInput, current: DataSource | undefined, defaultIam: string, now: string): DataSource {
  const { disabledPolicies: named, ...fields } = input;
  const disabled = named ? [...new Set(named)].sort() : (current?.disabledPolicies ?? []);
  return {
    ...fields,
    owners: normaliseOwners(input.owners, defaultIam),
    ...(disabled.length ? { disabledPolicies: disabled } : {}),
    id,
    version: (current?.version ?? 0) + 1,
    createdAt: current?.createdAt ?? now,
    updatedAt: now,
  };
}

/** The whole catalog, as the policy snapshot and listings read it. */
export interface CatalogContents {
  readonly sources: DataSource[];
  readonly domains: Domain[];
}

/**
 * Data sources (with their columns) and domains; every change bumps the snapshot version.
 * Owners are stored as `{iamid, userid}`; a bare userid, written or stored before owners named
 * their IAM, belongs to `defaultIam`.
 */
export class CatalogRepository {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditRepository,
    private readonly defaultIam: string,
  ) {}

  private toSource(item: Record<string, unknown>): DataSource {
    const source = withoutKeys<Omit<DataSource, 'owners'> & { owners?: OwnerInput[] }>(item);
    return { ...source, owners: normaliseOwners(source.owners ?? [], this.defaultIam) };
  }

  private get table(): string {
    return this.db.tables.catalog;
  }

  private async getItem(pk: string): Promise<Record<string, unknown> | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.table, Key: { pk, sk: catalogKeys.meta }, ConsistentRead: true }));
    return res.Item;
  }

  /** A data source by id, or undefined. */
  async getSource(id: string): Promise<DataSource | undefined> {
    const item = await this.getItem(catalogKeys.source(id));
    return item ? this.toSource(item) : undefined;
  }

  /** A domain by id, or undefined. */
  async getDomain(id: string): Promise<Domain | undefined> {
    const item = await this.getItem(catalogKeys.domain(id));
    return item ? withoutKeys<Domain>(item) : undefined;
  }

  /** One versioned upsert: conditional on the version read (or on absence), with bump and audit. */
  private async upsert<T extends { version: number }>(pk: string, current: T | undefined, next: T, what: string, audit: AuditInput): Promise<void> {
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.table,
          Item: { pk, sk: catalogKeys.meta, ...next },
          ...(current
            ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': current.version } }
            : { ConditionExpression: 'attribute_not_exists(pk)' }),
        },
      },
      bumpSnapshot(this.db),
      this.audit.put(audit),
    ];
    await transact(this.db, items, () => new VersionMismatchError(`${what} was changed concurrently`));
  }

  /**
   * Creates or replaces a data source. `current` is the version the caller read (undefined:
   * it must not exist yet); a concurrent change is a `VersionMismatchError`.
   */
  async putSource(id: string, input: DataSourceInput, current: DataSource | undefined, audit: AuditInput): Promise<DataSource> {
    const now = nowIso();
    const next = nextSource(id, input, current, this.defaultIam, now);
    await this.upsert(catalogKeys.source(id), current, next, `data source \`${id}\``, audit);
    return next;
  }

  /** Replaces the policies disabled on a source, conditional on the version read (`current`). */
  async putDisabledPolicies(current: DataSource, keys: readonly string[], audit: AuditInput): Promise<DataSource> {
    const { disabledPolicies: _old, ...rest } = current;
    const next: DataSource = { ...rest, ...(keys.length ? { disabledPolicies: [...keys].sort() } : {}), version: current.version + 1, updatedAt: nowIso() };
    await this.upsert(catalogKeys.source(current.id), current, next, `data source \`${current.id}\``, audit);
    return next;
  }

  /** Creates or replaces a domain, conditional on the version read. */
  async putDomain(id: string, input: DomainInput, current: Domain | undefined, audit: AuditInput): Promise<Domain> {
    const next: Domain = { ...input, id, version: (current?.version ?? 0) + 1 };
    await this.upsert(catalogKeys.domain(id), current, next, `domain \`${id}\``, audit);
    return next;
  }

  /** Deletes a data source; `NotFoundError` when there is none, or none at `expectedVersion` when given. */
  async deleteSource(id: string, audit: AuditInput, expectedVersion?: number): Promise<void> {
    const at = { TableName: this.table, Key: { pk: catalogKeys.source(id), sk: catalogKeys.meta } };
    await deleteDecisionInput(this.db, at, `data source \`${id}\``, this.audit.put(audit), expectedVersion);
  }

  /** Every source and domain, in one consistent scan (the catalog is bounded; callers cache it). */
  async scan(): Promise<CatalogContents> {
    const items = await scanAll(this.db, { TableName: this.table, ConsistentRead: true });
    const sources = items.filter((i) => String(i.pk).startsWith(catalogKeys.sourcePrefix)).map((i) => this.toSource(i));
    const domains = items.filter((i) => String(i.pk).startsWith(catalogKeys.domainPrefix)).map((i) => withoutKeys<Domain>(i));
    const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    return { sources: sources.sort(byId), domains: domains.sort(byId) };
  }
}
