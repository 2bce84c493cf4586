import { createHash } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/store/client.ts';
import type { TransactItem } from '#shared/store/transact.ts';
import { bareId, completeRecord, type AuditInput, type AuditRecord } from './record.ts';

/** Audit records are kept one year unless configured otherwise (DynamoDB TTL deletes them). */
const DEFAULT_RETENTION_DAYS = 365;

/** DynamoDB refuses a partition key (of the table or an index) longer than this many bytes. */
const MAX_PARTITION_KEY_BYTES = 2048;

/**
 * A key attribute that DynamoDB accepts whatever the record holds: values that fit are kept
 * as they are (queries match them exactly); a longer one keeps its head, cut on a character
 * boundary, and a SHA-256 of the whole so two long values never share a key.
 */
function boundedKey(key: string): string {
  if (Buffer.byteLength(key, 'utf8') <= MAX_PARTITION_KEY_BYTES) return key;
  const digest = `~${createHash('sha256').update(key, 'utf8').digest('hex')}`;
  let head = '';
  let bytes = 0;
  for (const ch of key) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (bytes + size > MAX_PARTITION_KEY_BYTES - digest.length) break;
    head += ch;
    bytes += size;
  }
  return head + digest;
}

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
      // Ids and actions come from requests: bound them here so an audit write never fails on a key.
      gsi1pk: boundedKey(`AUDITUSER#${bareId(record.userId)}`),
      gsi1sk: sk,
      gsi2pk: boundedKey(`AUDITACTION#${record.action}`),
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
