import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { bareId, completeRecord, type AuditInput, type AuditRecord } from '#shared/audit/record.ts';
import { queryAudit, type AuditPage, type AuditQuery } from './audit-query.ts';
import { MARSHALL_OPTIONS, type Db } from './client.ts';
import { auditKeys } from './key-formats.ts';
import type { TransactItem } from './transact.ts';

/** Audit records are kept one year unless configured otherwise (DynamoDB TTL deletes them). */
const DEFAULT_RETENTION_DAYS = 365;

/** The audit trail: records written alone or inside the transaction of the change they describe, and read back. */
export class AuditRepository {
  constructor(
    private readonly db: Db,
    private readonly retentionDays = DEFAULT_RETENTION_DAYS,
  ) {}

  /** The DynamoDB item of a record, in its shard; the by-user index is keyed by the bare id (any IAM, or a service). */
  item(record: AuditRecord): Record<string, unknown> {
    const sk = auditKeys.sort(record.eventTimestamp, record.id);
    const shard = auditKeys.shard(record.id);
    return {
      pk: auditKeys.dayShard(record.eventTimestamp, shard),
      sk,
      gsi1pk: auditKeys.user(bareId(record.userId)),
      gsi1sk: sk,
      gsi2pk: auditKeys.actionShard(record.action, shard),
      gsi2sk: sk,
      expiresAt: Math.floor(Date.parse(record.eventTimestamp) / 1000) + this.retentionDays * 86_400,
      ...record,
    };
  }

  /** `item` marshalled for the low-level client, as the document client would send it. */
  attributes(record: AuditRecord): Record<string, AttributeValue> {
    return marshall(this.item(record), MARSHALL_OPTIONS);
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

  /** One page of the trail, newest first (see `queryAudit`). */
  query(q: AuditQuery): Promise<AuditPage> {
    return queryAudit(this.db, q);
  }
}
