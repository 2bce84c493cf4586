import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { userAuditId, type AuditRecord } from '#shared/audit/record.ts';
import type { Db } from './client.ts';
import { decodeCursor, encodeCursor, InvalidCursorError, type Key } from './cursor.ts';
import { withoutKeys } from './item.ts';
import { auditKeys } from './key-formats.ts';

/**
 * A query of the audit trail; `from`/`to` are ISO-8601 instants, both inclusive. `userid` is a
 * bare id: the users of that id in every IAM and the service of that id, or with `iamid` only
 * the user `iamid/userid`.
 */
export interface AuditQuery {
  readonly userid?: string;
  readonly iamid?: string;
  readonly action?: string;
  readonly from: string;
  readonly to: string;
  readonly limit: number;
  readonly cursor?: string | null;
}

/** One page, newest first. */
export interface AuditPage {
  readonly records: AuditRecord[];
  readonly nextCursor: string | null;
}

/** Sorts after every character of a record id, so `<to>#~` bounds every record at `to`. */
const AFTER_ID = '~';
const DAY_MS = 86_400_000;

/** One query plan: a partition (of the table or an index), optionally filtered. */
interface Partition {
  readonly index?: 'gsi1' | 'gsi2';
  readonly pkName: string;
  readonly skName: string;
  readonly pk: string;
  /** Attribute equalities every returned item meets. */
  readonly filters?: ReadonlyArray<{ readonly attribute: string; readonly value: string }>;
}

const toRecord = (item: Record<string, unknown>): AuditRecord => withoutKeys<AuditRecord>(item, { dropExpiry: true });

function startKeyOf(item: Record<string, unknown>, p: Partition): Key {
  const key: Key = { pk: item.pk, sk: item.sk };
  if (p.index) Object.assign(key, { [p.pkName]: item[p.pkName], [p.skName]: item[p.skName] });
  return key;
}

/** The partitions to read, newest first: one index partition, or one table partition per day. */
function partitions(q: AuditQuery): Partition[] {
  if (q.userid !== undefined) {
    const filters = [
      ...(q.action !== undefined ? [{ attribute: 'action', value: q.action }] : []),
      ...(q.iamid !== undefined ? [{ attribute: 'userId', value: userAuditId({ iamid: q.iamid, userid: q.userid }) }] : []),
    ];
    return [{ index: 'gsi1', pkName: 'gsi1pk', skName: 'gsi1sk', pk: auditKeys.user(q.userid), ...(filters.length ? { filters } : {}) }];
  }
  if (q.action !== undefined) return [{ index: 'gsi2', pkName: 'gsi2pk', skName: 'gsi2sk', pk: auditKeys.action(q.action) }];
  const days: Partition[] = [];
  for (let t = Date.parse(q.to.slice(0, 10)); t >= Date.parse(q.from.slice(0, 10)); t -= DAY_MS) {
    days.push({ pkName: 'pk', skName: 'sk', pk: auditKeys.day(new Date(t).toISOString()) });
  }
  return days;
}

/** Where a cursor resumes: the partition it belongs to, checked against this query (else 400). */
function resumeAt(cursor: Key | undefined, plan: Partition[], q: AuditQuery): { index: number; start?: Key } {
  if (!cursor) return { index: 0 };
  const index = plan.findIndex((p) => cursor[p.pkName] === p.pk);
  const p = plan[index];
  const sk = cursor.sk;
  const expected = p?.index ? ['pk', 'sk', p.pkName, p.skName] : ['pk', 'sk'];
  const valid =
    p !== undefined &&
    typeof sk === 'string' &&
    Object.keys(cursor).length === expected.length &&
    expected.every((k) => typeof cursor[k] === 'string') &&
    cursor.pk === auditKeys.day(sk) &&
    (!p.index || cursor[p.skName] === sk) &&
    sk >= q.from &&
    sk <= `${q.to}#${AFTER_ID}`;
  if (!valid) throw new InvalidCursorError();
  return { index, start: cursor };
}

/**
 * Reads audit records newest first: by bare user id (gsi1, optionally filtered by action and
 * narrowed to one IAM), by action (gsi2), or else day partitions walked backwards from `to` to
 * `from`. The cursor is the key of the last record returned, so a page never repeats or skips a
 * record.
 */
export async function queryAudit(db: Db, q: AuditQuery): Promise<AuditPage> {
  const plan = partitions(q);
  const resume = resumeAt(decodeCursor(q.cursor), plan, q);
  const records: AuditRecord[] = [];
  let last: { item: Record<string, unknown>; partition: Partition } | undefined;
  for (let i = resume.index; i < plan.length && records.length < q.limit; i++) {
    const p = plan[i]!;
    let start: Key | undefined = i === resume.index ? resume.start : undefined;
    const filters = p.filters ?? [];
    do {
      const res = await db.doc.send(
        new QueryCommand({
          TableName: db.tables.audit,
          ...(p.index ? { IndexName: p.index } : {}),
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#pk': p.pkName, '#sk': p.skName, ...Object.fromEntries(filters.map((f, n) => [`#f${n}`, f.attribute])) },
          ExpressionAttributeValues: { ':pk': p.pk, ':from': q.from, ':to': `${q.to}#${AFTER_ID}`, ...Object.fromEntries(filters.map((f, n) => [`:f${n}`, f.value])) },
          ...(filters.length ? { FilterExpression: filters.map((_, n) => `#f${n} = :f${n}`).join(' AND ') } : {}),
          ScanIndexForward: false,
          // Without a filter every item read is returned, so ask for exactly what is missing.
          Limit: filters.length ? Math.max(q.limit - records.length, 100) : q.limit - records.length,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of res.Items ?? []) {
        if (records.length === q.limit) break;
        records.push(toRecord(item));
        last = { item, partition: p };
      }
      start = res.LastEvaluatedKey;
    } while (start && records.length < q.limit);
  }
  const full = records.length === q.limit && last !== undefined;
  return { records, nextCursor: full && last ? encodeCursor(startKeyOf(last.item, last.partition)) : null };
}
