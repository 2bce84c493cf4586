import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditInput } from '#shared/audit/record.ts';
import type { Principal } from '#shared/model/identity.ts';
import type { AuditRepository } from './audit.ts';
import type { Db } from './client.ts';
import { NotFoundError } from './errors.ts';
import { withoutKeys } from './item.ts';
import { sessionKeys } from './key-formats.ts';
import { transact } from './transact.ts';

/**
 * A console sign-in: the API key it was exchanged for, named by its hash only, so that every
 * request of the session is judged as that key would be now (a deleted key, or a deactivated
 * user, ends it).
 */
export interface ConsoleSessionRecord {
  /** The session's public id, named in audit records (never the cookie secret). */
  readonly id: string;
  readonly principal: Principal;
  /** SHA-256 of the API key signed in with, as the identities table stores it. */
  readonly keyHash: string;
  readonly createdAt: string;
  /** Epoch seconds: the session's absolute end, and the item's TTL. */
  readonly expiresAt: number;
}

/** Console sessions in the sessions table, keyed by the SHA-256 of their cookie secret. */
export class ConsoleSessionRepository {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditRepository,
  ) {}

  /** Stores a new session with its audit record; a secret hash already in use is refused by the condition. */
  async create(secretHash: string, record: ConsoleSessionRecord, audit: AuditInput): Promise<void> {
    await transact(this.db, [
      { Put: { TableName: this.db.tables.sessions, Item: { ...sessionKeys.consoleSession(secretHash), ...record }, ConditionExpression: 'attribute_not_exists(pk)' } },
      this.audit.put(audit),
    ]);
  }

  /** The live session of a secret hash (one consistent read); an expired one whose TTL has not run yet counts as none. */
  async get(secretHash: string, nowSeconds: number): Promise<ConsoleSessionRecord | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tables.sessions, Key: sessionKeys.consoleSession(secretHash), ConsistentRead: true }));
    const record = res.Item ? withoutKeys<ConsoleSessionRecord>(res.Item) : undefined;
    return record && record.expiresAt > nowSeconds ? record : undefined;
  }

  /** Ends a session with its audit record; one already gone is a `NotFoundError`. */
  async end(secretHash: string, audit: AuditInput): Promise<void> {
    await transact(
      this.db,
      [{ Delete: { TableName: this.db.tables.sessions, Key: sessionKeys.consoleSession(secretHash), ConditionExpression: 'attribute_exists(pk)' } }, this.audit.put(audit)],
      () => new NotFoundError('the console session has already ended'),
    );
  }
}
