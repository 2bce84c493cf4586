import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/store/client.ts';
import type { TransactItem } from '#shared/store/transact.ts';
import { bareId, completeRecord, type AuditInput, type AuditRecord } from './record.ts';

/** Audit records are kept one year unless configured otherwise (DynamoDB TTL deletes them). */
const DEFAULT_RETENTION_DAYS = 365;

/** Writes audit records, alone or inside the transaction of the change they describe. */
export class AuditWriter {
  constructor(
    private readonly db: Db,
    private readonly retentionDays = DEFAULT_RETENTION_DAYS,
  ) {}

  /** The DynamoDB item of a record; the by-user index is keyed by the bare id (any IAM, or a service). */
  item(record: AuditRecord): Record<string, unknown> {
    const sk = `${record.eventTimestamp}#${record.id}`;
    return {
      pk: `AUDIT#${record.eventTimestamp.slice(0, 10)}`,
      sk,
      gsi1pk: `AUDITUSER#${bareId(record.userId)}`,
      gsi1sk: sk,
      gsi2pk: `AUDITACTION#${record.action}`,
      gsi2sk: sk,
      expiresAt: Math.floor(Date.parse(record.eventTimestamp) / 1000) + this.retentionDays * 86_400,
      ...record,
    };
  }

  /** A transaction item that writes the record atomically with the change it audits. */
  put(input: AuditInput): TransactItem {
    return { Put: { TableName: this.db.tables.audit, Item: this.item(completeRecord(input)) } };
  }

  /** Writes one record now (decisions, refusals, authentication failures). */
  async write(input: AuditInput): Promise<AuditRecord> {
    const record = completeRecord(input);
    await this.db.doc.send(new PutCommand({ TableName: this.db.tables.audit, Item: this.item(record) }));
    return record;
  }
}
