import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { PublicSigningKey, SigningKeyRecord } from '#shared/model/impersonation.ts';
import type { Db } from './client.ts';
import { ConflictError } from './errors.ts';
import { withoutKeys } from './item.ts';
import { sessionKeys } from './key-formats.ts';
import { queryAll } from './pages.ts';
import { transact, type TransactItem } from './transact.ts';

const strip = (item: Record<string, unknown>): SigningKeyRecord => withoutKeys<SigningKeyRecord>(item);

/** Signing keys in the sessions table: one item per key and a pointer to the current one. */
export class SigningKeyRepository {
  constructor(private readonly db: Db) {}

  /** The key new tokens are signed with, if one was installed. */
  async current(): Promise<SigningKeyRecord | undefined> {
    const pointer = await this.db.doc.send(
      new GetCommand({ TableName: this.db.tables.sessions, Key: sessionKeys.currentSigningKey, ConsistentRead: true }),
    );
    const kid = pointer.Item?.kid as string | undefined;
    if (!kid) return undefined;
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tables.sessions, Key: sessionKeys.signingKey(kid), ConsistentRead: true }));
    return res.Item ? strip(res.Item) : undefined;
  }

  /** Public keys that may still have live tokens (current and not yet retired), as JWKs with `kid`. */
  async publicKeys(nowSeconds: number): Promise<PublicSigningKey[]> {
    const items = await queryAll(this.db, {
      TableName: this.db.tables.sessions,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :key)',
      ExpressionAttributeValues: { ':pk': sessionKeys.signingKeysPk, ':key': sessionKeys.signingKeyPrefix },
      ConsistentRead: true,
    });
    return items
      .map(strip)
      .filter((k) => k.retireAfter === undefined || k.retireAfter > nowSeconds)
      // Every key is minted as, and its public half stored as, an EC P-256 JWK.
      .map((k) => ({ ...(k.publicJwk as Pick<PublicSigningKey, 'kty' | 'crv' | 'x' | 'y'>), kid: k.kid, alg: 'ES256', use: 'sig' }));
  }

  /**
   * Makes `key` current. The replaced key (`previousKid`) stays published until `retireAfter`.
   * Returns false when another process changed the current key first.
   */
  async install(key: SigningKeyRecord, previousKid: string | undefined, retireAfter: number): Promise<boolean> {
    const table = this.db.tables.sessions;
    const items: TransactItem[] = [
      { Put: { TableName: table, Item: { ...sessionKeys.signingKey(key.kid), ...key } } },
      {
        Put: {
          TableName: table,
          Item: { ...sessionKeys.currentSigningKey, kid: key.kid },
          ConditionExpression: previousKid ? 'kid = :old' : 'attribute_not_exists(pk)',
          ...(previousKid ? { ExpressionAttributeValues: { ':old': previousKid } } : {}),
        },
      },
    ];
    if (previousKid && previousKid !== key.kid) {
      items.push({
        Update: {
          TableName: table,
          Key: sessionKeys.signingKey(previousKid),
          UpdateExpression: 'SET retireAfter = :r',
          ExpressionAttributeValues: { ':r': retireAfter },
        },
      });
    }
    try {
      await transact(this.db, items);
      return true;
    } catch (err) {
      if (err instanceof ConflictError) return false;
      throw err;
    }
  }
}
