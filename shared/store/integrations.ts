import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditInput } from '#shared/audit/record.ts';
import type { TrinoIntegrationInput } from '#shared/model/trino.ts';
import type { AuditRepository } from './audit.ts';
import type { Db } from './client.ts';
import { ConflictError, NotFoundError, VersionMismatchError } from './errors.ts';
import { withoutKeys } from './item.ts';
import { integrationKeys } from './key-formats.ts';
import { nowIso, transact } from './transact.ts';

/** A registered Trino cluster as stored: never its credential, only the credential's SHA-256. */
export interface TrinoIntegrationRecord extends TrinoIntegrationInput {
  readonly secretHash: string;
  readonly version: number;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly rotatedAt?: string;
}

/** The Trino integrations, in the policies table (one partition: a deployment has a handful). */
export class IntegrationRepository {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditRepository,
  ) {}

  private get table(): string {
    return this.db.tables.policies;
  }

  /** Stores a new integration with its audit record, in one transaction; an id in use → `ConflictError`. */
  async create(input: TrinoIntegrationInput, secretHash: string, createdBy: string, audit: AuditInput): Promise<TrinoIntegrationRecord> {
    const record: TrinoIntegrationRecord = { ...input, secretHash, version: 1, createdAt: nowIso(), createdBy };
    await transact(
      this.db,
      [{ Put: { TableName: this.table, Item: { ...integrationKeys.trino(record.id), ...record }, ConditionExpression: 'attribute_not_exists(pk)' } }, this.audit.put(audit)],
      () => new ConflictError(`integration \`${record.id}\` already exists`),
    );
    return record;
  }

  /** The integration with this id, or undefined (read strongly: a rotated credential stops at once here). */
  async get(id: string): Promise<TrinoIntegrationRecord | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.table, Key: integrationKeys.trino(id), ConsistentRead: true }));
    return res.Item ? withoutKeys<TrinoIntegrationRecord>(res.Item) : undefined;
  }

  /** Every integration, in id order (one page holds them all: at most a few hundred). */
  async list(): Promise<TrinoIntegrationRecord[]> {
    const out: TrinoIntegrationRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.db.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': integrationKeys.partition, ':prefix': integrationKeys.trinoPrefix },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of res.Items ?? []) out.push(withoutKeys<TrinoIntegrationRecord>(item));
      start = res.LastEvaluatedKey;
    } while (start);
    return out;
  }

  /** Replaces the credential's hash, conditional on the version read; the old credential stops working. */
  async rotate(current: TrinoIntegrationRecord, secretHash: string, audit: AuditInput): Promise<TrinoIntegrationRecord> {
    const next: TrinoIntegrationRecord = { ...current, secretHash, version: current.version + 1, rotatedAt: nowIso() };
    await transact(
      this.db,
      [
        {
          Put: {
            TableName: this.table,
            Item: { ...integrationKeys.trino(current.id), ...next },
            ConditionExpression: 'version = :v',
            ExpressionAttributeValues: { ':v': current.version },
          },
        },
        this.audit.put(audit),
      ],
      () => new VersionMismatchError(`integration \`${current.id}\` changed concurrently; retry`),
    );
    return next;
  }

  /** Deletes an integration: its credential stops working; unknown → `NotFoundError`. */
  async delete(id: string, audit: AuditInput): Promise<void> {
    await transact(
      this.db,
      [{ Delete: { TableName: this.table, Key: integrationKeys.trino(id), ConditionExpression: 'attribute_exists(pk)' } }, this.audit.put(audit)],
      () => new NotFoundError(`integration \`${id}\` not found`),
    );
  }
}
