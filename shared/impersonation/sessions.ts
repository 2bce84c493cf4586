import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditInput } from '#shared/audit/record.ts';
import type { AuditWriter } from '#shared/audit/writer.ts';
import type { Principal, UserRef } from '#shared/model/identity.ts';
import type { Db } from '#shared/store/client.ts';
import { VersionMismatchError } from '#shared/store/errors.ts';
import { keys } from '#shared/store/keys.ts';
import { transact } from '#shared/store/transact.ts';
import { TargetNotFoundError } from './errors.ts';
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

/** Sessions this instance last saw; a guess only, every write stays conditional on the stored state. */
const REMEMBERED_LIMIT = 10_000;

/** Impersonation sessions and their revocation markers. */
export class SessionStore {
  private readonly seen = new Map<string, SessionRecord>();

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
    const live = record && record.expiresAt > nowSeconds ? record : undefined;
    this.remember(sessionId, live);
    return live;
  }

  /** What this instance last saw of the session, without a read: may be stale. */
  remembered(sessionId: string, nowSeconds: number): SessionRecord | undefined {
    const record = this.seen.get(sessionId);
    return record && record.expiresAt > nowSeconds ? record : undefined;
  }

  /**
   * Writes `next` if the session is still as `previous` says (absent or expired when undefined)
   * and the target user is still active, atomically with its audit record. A lost race is a
   * `VersionMismatchError`; a missing or inactive user a `TargetNotFoundError`.
   */
  async save(next: SessionRecord, previous: SessionRecord | undefined, nowSeconds: number, audit: AuditInput): Promise<void> {
    const condition = previous
      ? { ConditionExpression: 'version = :v AND gen = :g', ExpressionAttributeValues: { ':v': previous.version, ':g': previous.gen } }
      : { ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now', ExpressionAttributeValues: { ':now': nowSeconds } };
    const { iamid, userid } = next.user;
    try {
      await transact(
        this.db,
        [
          { Put: { TableName: this.db.tables.sessions, Item: { ...sessionKeys.session(next.sessionId), ...next }, ...condition } },
          // The target's check rides in the same transaction: no separate read before minting.
          {
            ConditionCheck: {
              TableName: this.db.tables.identities,
              Key: { pk: keys.user(iamid, userid), sk: keys.profile },
              ConditionExpression: 'active = :active',
              ExpressionAttributeValues: { ':active': true },
            },
          },
          this.audit.put(audit),
        ],
        (i) => (i === 1 ? new TargetNotFoundError(iamid, userid) : new VersionMismatchError(`impersonation session \`${next.sessionId}\` was changed concurrently`)),
      );
    } catch (err) {
      this.seen.delete(next.sessionId);
      throw err;
    }
    this.remember(next.sessionId, next);
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
    this.seen.delete(session.sessionId);
  }

  private remember(sessionId: string, record: SessionRecord | undefined): void {
    if (!record) {
      this.seen.delete(sessionId);
      return;
    }
    if (this.seen.size >= REMEMBERED_LIMIT) this.seen.clear();
    this.seen.set(sessionId, record);
  }
}
