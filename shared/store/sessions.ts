import { GetCommand, ScanCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { AuditInput } from '#shared/audit/record.ts';
import { type Principal, principalLabel, type UserRef } from '#shared/model/identity.ts';
import type { RevocationMarker, SessionRecord } from '#shared/model/impersonation.ts';
import type { AuditRepository } from './audit.ts';
import type { Db } from './client.ts';
import { decodeCursor, encodeCursor, InvalidCursorError, type Key } from './cursor.ts';
import { VersionMismatchError } from './errors.ts';
import { withoutKeys } from './item.ts';
import { sessionKeys } from './key-formats.ts';
import { queryAll, queryPage } from './pages.ts';
import { transact, type TransactItem } from './transact.ts';

/** A condition the minting transaction rides on, and the error its failure means. */
export interface MintCheck {
  readonly item: TransactItem;
  readonly error: () => Error;
}

/** Which sessions a listing asks for; no filter is every session (an administrator's view). */
export interface SessionQuery {
  readonly impersonator?: Principal;
  readonly target?: UserRef;
  readonly limit: number;
  readonly cursor: string | null;
  readonly nowSeconds: number;
}

/** Sessions this instance last saw; a guess only, every write stays conditional on the stored state. */
const REMEMBERED_LIMIT = 10_000;

const INDEX_KEY = ['gsi1pk', 'gsi1sk', 'pk', 'sk'];
const TABLE_KEY = ['pk', 'sk'];

const toRecord = (item: Record<string, unknown>): SessionRecord => withoutKeys<SessionRecord>(item);

/** Refuses a cursor that does not continue this very listing (DynamoDB would fail on it). */
function continuation(cursor: string | null, names: string[], partition: Key): Key | undefined {
  const key = decodeCursor(cursor);
  if (!key) return undefined;
  const same = Object.keys(key).sort().join() === [...names].sort().join() && Object.entries(partition).every(([k, v]) => key[k] === v);
  if (!same) throw new InvalidCursorError();
  return key;
}

/** Impersonation sessions and their end markers, each under its impersonator. */
export class SessionRepository {
  private readonly seen = new Map<string, SessionRecord>();

  constructor(
    private readonly db: Db,
    private readonly audit: AuditRepository,
  ) {}

  /** The live session (one consistent read); an expired one whose TTL has not run yet counts as none. */
  async get(impersonator: Principal, sessionId: string, nowSeconds: number): Promise<SessionRecord | undefined> {
    const key = sessionKeys.session(principalLabel(impersonator), sessionId);
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tables.sessions, Key: key, ConsistentRead: true }));
    const record = res.Item ? toRecord(res.Item) : undefined;
    const live = record && record.expiresAt > nowSeconds ? record : undefined;
    this.remember(impersonator, sessionId, live);
    return live;
  }

  /** What this instance last saw of the session, without a read: may be stale. */
  remembered(impersonator: Principal, sessionId: string, nowSeconds: number): SessionRecord | undefined {
    const record = this.seen.get(`${principalLabel(impersonator)}#${sessionId}`);
    return record && record.expiresAt > nowSeconds ? record : undefined;
  }

  /**
   * Writes `next` if the session is still as `previous` says (absent or expired when undefined)
   * and every check holds, atomically with its audit record. A lost race is a
   * `VersionMismatchError`; a failed check throws that check's error.
   */
  async save(next: SessionRecord, previous: SessionRecord | undefined, nowSeconds: number, audit: AuditInput, checks: readonly MintCheck[]): Promise<void> {
    const condition = previous
      ? { ConditionExpression: 'version = :v AND gen = :g', ExpressionAttributeValues: { ':v': previous.version, ':g': previous.gen } }
      : { ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now', ExpressionAttributeValues: { ':now': nowSeconds } };
    const label = principalLabel(next.impersonator);
    const item = {
      ...sessionKeys.session(label, next.sessionId),
      gsi1pk: sessionKeys.target(next.user.iamid, next.user.userid),
      gsi1sk: sessionKeys.targetSort(label, next.sessionId),
      ...next,
    };
    try {
      await transact(
        this.db,
        [{ Put: { TableName: this.db.tables.sessions, Item: item, ...condition } }, ...checks.map((c) => c.item), this.audit.put(audit)],
        (i) => (i >= 1 && i <= checks.length ? checks[i - 1]!.error() : new VersionMismatchError(`impersonation session \`${next.sessionId}\` was changed concurrently`)),
      );
    } catch (err) {
      this.seen.delete(`${label}#${next.sessionId}`);
      throw err;
    }
    this.remember(next.impersonator, next.sessionId, next);
  }

  /** Ends the session: deletes it and leaves an end marker until its last token expires. */
  async end(session: SessionRecord, nowSeconds: number, audit: AuditInput): Promise<void> {
    const label = principalLabel(session.impersonator);
    const marker: RevocationMarker = { gen: session.gen, revokedAt: new Date(nowSeconds * 1000).toISOString(), expiresAt: Math.max(session.expiresAt, nowSeconds + 1) };
    await transact(
      this.db,
      [
        {
          Delete: {
            TableName: this.db.tables.sessions,
            Key: sessionKeys.session(label, session.sessionId),
            ConditionExpression: 'version = :v',
            ExpressionAttributeValues: { ':v': session.version },
          },
        },
        { Put: { TableName: this.db.tables.sessions, Item: { ...sessionKeys.ended(label, session.sessionId), ...marker } } },
        this.audit.put(audit),
      ],
      () => new VersionMismatchError(`impersonation session \`${session.sessionId}\` was changed concurrently`),
    );
    this.seen.delete(`${label}#${session.sessionId}`);
  }

  /** Every live session of one impersonator (one partition, strongly consistent). */
  async allOf(impersonator: Principal, nowSeconds: number): Promise<SessionRecord[]> {
    const items = await queryAll(this.db, {
      TableName: this.db.tables.sessions,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :session)',
      FilterExpression: 'expiresAt > :now',
      ExpressionAttributeValues: { ':pk': sessionKeys.sessionsOf(principalLabel(impersonator)), ':session': sessionKeys.sessionPrefix, ':now': nowSeconds },
      ConsistentRead: true,
    });
    return items.map(toRecord);
  }

  /**
   * One page of live sessions: of a target (gsi1), of an impersonator (its partition), of both
   * (gsi1, its sort key's prefix), or all (a page of gsi1, which holds session items only).
   */
  async page(q: SessionQuery): Promise<{ sessions: SessionRecord[]; nextCursor: string | null }> {
    const label = q.impersonator ? principalLabel(q.impersonator) : undefined;
    const common = { TableName: this.db.tables.sessions, Limit: q.limit, FilterExpression: 'expiresAt > :now' };
    const live = { ':now': q.nowSeconds };
    if (!q.target && !label) {
      const res = await this.db.doc.send(
        new ScanCommand({ ...common, IndexName: 'gsi1', ExpressionAttributeValues: live, ExclusiveStartKey: continuation(q.cursor, INDEX_KEY, {}) }),
      );
      return { sessions: (res.Items ?? []).map(toRecord), nextCursor: encodeCursor(res.LastEvaluatedKey) };
    }
    let input: QueryCommandInput;
    let names: string[];
    let partition: Key;
    if (q.target) {
      partition = { gsi1pk: sessionKeys.target(q.target.iamid, q.target.userid) };
      names = INDEX_KEY;
      input = {
        ...common,
        IndexName: 'gsi1',
        KeyConditionExpression: label ? 'gsi1pk = :t AND begins_with(gsi1sk, :p)' : 'gsi1pk = :t',
        ExpressionAttributeValues: { ...live, ':t': partition.gsi1pk, ...(label ? { ':p': `${label}#` } : {}) },
      };
    } else {
      partition = { pk: sessionKeys.sessionsOf(label!) };
      names = TABLE_KEY;
      input = {
        ...common,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :session)',
        ExpressionAttributeValues: { ...live, ':pk': partition.pk, ':session': sessionKeys.sessionPrefix },
        ConsistentRead: true,
      };
    }
    continuation(q.cursor, names, partition);
    const page = await queryPage(this.db, input, q.cursor, toRecord);
    return { sessions: page.items, nextCursor: page.cursor };
  }

  private remember(impersonator: Principal, sessionId: string, record: SessionRecord | undefined): void {
    const key = `${principalLabel(impersonator)}#${sessionId}`;
    if (!record) {
      this.seen.delete(key);
      return;
    }
    if (this.seen.size >= REMEMBERED_LIMIT) this.seen.clear();
    this.seen.set(key, record);
  }
}
