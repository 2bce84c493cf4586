import { randomUUID } from 'node:crypto';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditInput } from '#shared/audit/record.ts';
import type { AuditRepository } from './audit.ts';
import type { Permission, Principal } from '#shared/model/identity.ts';
import type { Db } from './client.ts';
import { ConflictError, NotFoundError, VersionMismatchError } from './errors.ts';
import { uidOf } from './identity.ts';
import { identityKeys } from './key-formats.ts';
import { nowIso, transact, type TransactItem } from './transact.ts';
import { withoutKeys } from './item.ts';
import type { UserRepository } from './users.ts';
import type { UserRecord } from './user-record.ts';

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
  /** A user's key: the uid of the user it was issued for (absent on keys issued before uids). */
  readonly uid?: string;
}

/** What a caller gives to create a key; id, time and a user's uid are filled in. */
export type NewApiKey = Omit<ApiKeyRecord, 'keyId' | 'createdAt' | 'uid'>;

const toRecord = (item: Record<string, unknown>): ApiKeyRecord => withoutKeys<ApiKeyRecord>(item);

/**
 * True when a user's key was issued for this very user, not for an earlier one of the same
 * userid. A key from before uids existed was issued for the user only if it is not older.
 */
export function issuedFor(key: ApiKeyRecord, user: UserRecord): boolean {
  return key.uid !== undefined ? key.uid === uidOf(user) : key.createdAt >= user.createdAt;
}

/** API keys, found by the hash of the presented key. */
export class ApiKeyRepository {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditRepository,
    private readonly users: UserRepository,
  ) {}

  /**
   * Stores a key's hash (the caller shows the key once and forgets it) and the item naming it by
   * id. A user's key records the user's uid, in a transaction that holds only while the user is
   * still that identity; an unknown user is a `NotFoundError`.
   */
  async create(input: NewApiKey, audit?: AuditInput): Promise<ApiKeyRecord> {
    const p = input.principal;
    const owner = p.type === 'user' ? await this.users.getProfile(p.iamid, p.id, true) : undefined;
    if (p.type === 'user' && !owner) throw new NotFoundError(`user \`${p.id}\` not found in iam \`${p.iamid}\``);
    const record: ApiKeyRecord = { ...input, keyId: randomUUID(), createdAt: nowIso(), ...(owner ? { uid: uidOf(owner) } : {}) };
    const [byHash, byId] = identityKeys.apiKeyItems(record.hash, record.keyId);
    await transact(
      this.db,
      [
        {
          Put: {
            TableName: this.db.tables.identities,
            Item: { ...byHash, gsi1pk: identityKeys.apiKeyId(record.keyId), gsi1sk: identityKeys.profile, gsi2pk: identityKeys.apiKeysOf(p), gsi2sk: record.keyId, ...record },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        { Put: { TableName: this.db.tables.identities, Item: { ...byId, keyId: record.keyId, principal: p }, ConditionExpression: 'attribute_not_exists(pk)' } },
        ...(owner ? [this.users.identityCheck(owner)] : []),
        ...(audit ? [this.audit.put(audit)] : []),
      ],
      (i) => (i === 2 ? new VersionMismatchError(`user \`${p.id}\` changed while its key was created; retry`) : new ConflictError('conflicting write')),
    );
    return record;
  }

  /** The key whose hash this is, or undefined. */
  async getByHash(hash: string): Promise<ApiKeyRecord | undefined> {
    const res = await this.db.doc.send(
      new GetCommand({ TableName: this.db.tables.identities, Key: { pk: identityKeys.apiKey(hash), sk: identityKeys.profile }, ConsistentRead: true }),
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
        ExpressionAttributeValues: { ':pk': identityKeys.apiKeyId(keyId) },
      }),
    );
    const item = res.Items?.[0];
    return item ? toRecord(item) : undefined;
  }

  /** Deletes (revokes) a key: it stops working on the next request, and so do the tokens it minted. */
  async delete(record: ApiKeyRecord, audit?: AuditInput): Promise<void> {
    await transact(this.db, [
      ...identityKeys.apiKeyItems(record.hash, record.keyId).map((Key) => ({ Delete: { TableName: this.db.tables.identities, Key } })),
      ...(audit ? [this.audit.put(audit)] : []),
    ]);
  }

  /**
   * A transaction item that holds only while the key exists (its id item is written and deleted
   * with it): minting rides on it, so no token names a deleted key. A key issued before keys had
   * an id item fails it.
   */
  inUse(keyId: string): TransactItem {
    return { ConditionCheck: { TableName: this.db.tables.identities, Key: { pk: identityKeys.apiKeyRef(keyId), sk: identityKeys.marker }, ConditionExpression: 'attribute_exists(pk)' } };
  }
}
