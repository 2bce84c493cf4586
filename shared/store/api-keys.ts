import { randomUUID } from 'node:crypto';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditInput } from '#shared/audit/record.ts';
import type { AuditWriter } from '#shared/audit/writer.ts';
import type { Permission, Principal } from '#shared/model/identity.ts';
import type { Db } from './client.ts';
import { keys } from './keys.ts';
import { nowIso, transact } from './transact.ts';
import { withoutKeys } from './item.ts';

/** A stored API key: never the key itself, only its SHA-256. */
export interface ApiKeyRecord {
  readonly keyId: string;
  readonly hash: string;
  readonly name: string;
  readonly principal: Principal;
  /** Permissions of a service principal's key (a user's come from the user). */
  readonly permissions: readonly Permission[];
  readonly createdAt: string;
  readonly createdBy: string;
}

const toRecord = (item: Record<string, unknown>): ApiKeyRecord => withoutKeys<ApiKeyRecord>(item);

/** API keys, found by the hash of the presented key. */
export class ApiKeyRepository {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditWriter,
  ) {}

  /** Stores a key's hash; the caller shows the key once and forgets it. */
  async create(input: Omit<ApiKeyRecord, 'keyId' | 'createdAt'>, audit?: AuditInput): Promise<ApiKeyRecord> {
    const record: ApiKeyRecord = { ...input, keyId: randomUUID(), createdAt: nowIso() };
    await transact(this.db, [
      {
        Put: {
          TableName: this.db.tables.identities,
          Item: { pk: keys.apiKey(record.hash), sk: keys.profile, gsi1pk: keys.apiKeyId(record.keyId), gsi1sk: keys.profile, ...record },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...(audit ? [this.audit.put(audit)] : []),
    ]);
    return record;
  }

  /** The key whose hash this is, or undefined. */
  async getByHash(hash: string): Promise<ApiKeyRecord | undefined> {
    const res = await this.db.doc.send(
      new GetCommand({ TableName: this.db.tables.identities, Key: { pk: keys.apiKey(hash), sk: keys.profile }, ConsistentRead: true }),
    );
    return res.Item ? toRecord(res.Item) : undefined;
  }

  /** The key with this id, or undefined. */
  async getById(keyId: string): Promise<ApiKeyRecord | undefined> {
    const res = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.tables.identities,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.apiKeyId(keyId) },
      }),
    );
    const item = res.Items?.[0];
    return item ? toRecord(item) : undefined;
  }

  /** Deletes (revokes) a key: it stops working on the next request. */
  async delete(record: ApiKeyRecord, audit?: AuditInput): Promise<void> {
    await transact(this.db, [
      { Delete: { TableName: this.db.tables.identities, Key: { pk: keys.apiKey(record.hash), sk: keys.profile } } },
      ...(audit ? [this.audit.put(audit)] : []),
    ]);
  }
}
