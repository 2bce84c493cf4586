import type { AuditRepository } from './audit.ts';
import type { Db } from './client.ts';
import type { TableName } from './tables.ts';

/**
 * The base of a repository of one table whose changes are audited: it names its table once
 * (`protected readonly tableName = 'identities'`) and is built with the database and the audit.
 */
export abstract class AuditedRepository {
  protected abstract readonly tableName: TableName;

  constructor(
    protected readonly db: Db,
    protected readonly audit: AuditRepository,
  ) {}

  /** The physical name of the repository's table. */
  protected get table(): string {
    return this.db.tables[this.tableName];
  }
}
