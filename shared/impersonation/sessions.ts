import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditInput } from '#shared/audit/record.ts';
import type { AuditWriter } from '#shared/audit/writer.ts';
import type { Principal, UserRef } from '#shared/model/identity.ts';
import type { Db } from '#shared/store/client.ts';
import { VersionMismatchError } from '#shared/store/errors.ts';
import { transact } from '#shared/store/transact.ts';
import { sessionKeys } from './keys.ts';

/** An impersonation session: who impersonates whom, and until when tokens of it may live. */
export interface SessionRecord {
  readonly sessionId: string;
  readonly user: UserRef;
  readonly impersonator: Principal;
  /** Changes whenever the session's user changes: tokens of an earlier generation are revoked. */
  readonly gen: string;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Epoch seconds: expiry of the session's latest token, the item's TTL. */
  readonly expiresAt: number;
  readonly lastJti: string;
}

/** The marker left by an ended session: its tokens are revoked, not merely unknown. */
export interface RevocationMarker {
  readonly gen: string;
  readonly revokedAt: string;
  readonly expiresAt: number;
}

/** Strips the key attributes off a sessions-table item. */
export function fromItem<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as T;
}

/** Impersonation sessions and their revocation markers. */
export class SessionStore {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditWriter,
  ) {}

  /** The live session (one consistent read); an expired one whose TTL has not run yet counts as none. */
  async get(sessionId: string, nowSeconds: number): Promise<SessionRecord | undefined> {
    const res = await this.db.doc.send(
      new GetCommand({ TableName: this.db.tables.sessions, Key: sessionKeys.session(sessionId), ConsistentRead: true }),
    );
    const record = res.Item ? fromItem<SessionRecord>(res.Item) : undefined;
    return record && record.expiresAt > nowSeconds ? record : undefined;
  }

  /**
   * Writes `next` if the session is still as read: absent (or expired) when `previous` is
   * undefined, else at `previous.version`. A lost race is a `VersionMismatchError`.
   */
  async save(next: SessionRecord, previous: SessionRecord | undefined, nowSeconds: number, audit: AuditInput): Promise<void> {
    const condition = previous
      ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': previous.version } }
      : { ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now', ExpressionAttributeValues: { ':now': nowSeconds } };
    await transact(
      this.db,
      [{ Put: { TableName: this.db.tables.sessions, Item: { ...sessionKeys.session(next.sessionId), ...next }, ...condition } }, this.audit.put(audit)],
      () => new VersionMismatchError(`impersonation session \`${next.sessionId}\` was changed concurrently`),
    );
  }

  /** Ends the session: deletes it and leaves a revocation marker until its last token expires. */
  async end(session: SessionRecord, nowSeconds: number, audit: AuditInput): Promise<void> {
    const marker: RevocationMarker = { gen: session.gen, revokedAt: new Date(nowSeconds * 1000).toISOString(), expiresAt: Math.max(session.expiresAt, nowSeconds + 1) };
    await transact(
      this.db,
      [
        {
          Delete: {
            TableName: this.db.tables.sessions,
            Key: sessionKeys.session(session.sessionId),
            ConditionExpression: 'version = :v',
            ExpressionAttributeValues: { ':v': session.version },
          },
        },
        { Put: { TableName: this.db.tables.sessions, Item: { ...sessionKeys.revoked(session.sessionId), ...marker } } },
        this.audit.put(audit),
      ],
      () => new VersionMismatchError(`impersonation session \`${session.sessionId}\` was changed concurrently`),
    );
  }
}
