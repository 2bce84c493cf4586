import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { userAuditId, type AuditRecord } from '#shared/audit/record.ts';
import type { Db } from './client.ts';
import { decodeCursor, encodeCursor, InvalidCursorError, type Key } from './cursor.ts';
import { withoutKeys } from './item.ts';
import { AUDIT_SHARDS, auditKeys } from './key-formats.ts';

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
/** A filtered Query reads at least this many items a request, so a sparse match needs few requests. */
const MIN_FILTERED_READ = 100;

interface Filter {
  readonly attribute: string;
  readonly value: string;
}

/**
 * Partitions read together and merged newest first: one day's shards, one action's shards, or one
 * user's index partition. `key` names the group in cursors: the unsharded key.
 */
interface Group {
  readonly index?: 'gsi1' | 'gsi2';
  readonly pkName: string;
  readonly skName: string;
  readonly key: string;
  readonly pks: readonly string[];
  /** Attribute equalities every returned item meets. */
  readonly filters: readonly Filter[];
  /** Whether the filters are expected to drop most items (then each request reads more). */
  readonly sparse: boolean;
}

type Item = Record<string, unknown>;

const toRecord = (item: Item): AuditRecord => withoutKeys<AuditRecord>(item, { dropExpiry: true });

const shards = Array.from({ length: AUDIT_SHARDS }, (_, n) => n);

/**
 * The shards of a sharded key, and the unsharded key itself: records written before sharding are
 * read as one more shard. They expire with their TTL (a year by default, `DEFAULT_RETENTION_DAYS`),
 * so the extra key may be dropped once the longest configured retention has passed since sharding.
 */
const withLegacy = (legacy: string, shard: (n: number) => string): string[] => [...shards.map(shard), legacy];

/** The groups to read, newest first: one user's index partition, one action's shards, or each day's shards. */
function groups(q: AuditQuery): Group[] {
  if (q.userid !== undefined) {
    const filters = [
      ...(q.action !== undefined ? [{ attribute: 'action', value: q.action }] : []),
      ...(q.iamid !== undefined ? [{ attribute: 'userId', value: userAuditId({ iamid: q.iamid, userid: q.userid }) }] : []),
    ];
    const key = auditKeys.user(q.userid);
    return [{ index: 'gsi1', pkName: 'gsi1pk', skName: 'gsi1sk', key, pks: [key], filters, sparse: true }];
  }
  if (q.action !== undefined) {
    const action = q.action;
    const key = auditKeys.action(action);
    // An old record of action `X#03` sits under the key of shard 3 of `X`: the filter keeps it out.
    const filters = [{ attribute: 'action', value: action }];
    const pks = withLegacy(key, (n) => auditKeys.actionShard(action, n));
    return [{ index: 'gsi2', pkName: 'gsi2pk', skName: 'gsi2sk', key, pks, filters, sparse: false }];
  }
  const days: Group[] = [];
  for (let t = Date.parse(q.to.slice(0, 10)); t >= Date.parse(q.from.slice(0, 10)); t -= DAY_MS) {
    const day = new Date(t).toISOString();
    const key = auditKeys.day(day);
    days.push({ pkName: 'pk', skName: 'sk', key, pks: withLegacy(key, (n) => auditKeys.dayShard(day, n)), filters: [], sparse: false });
  }
  return days;
}

/** Where a cursor resumes: its group, checked against this query (else 400), and the sort key to read below. */
function resumeAt(cursor: Key | undefined, plan: Group[], q: AuditQuery): { index: number; before?: string } {
  if (!cursor) return { index: 0 };
  const index = plan.findIndex((g) => cursor.pk === g.key);
  const sk = cursor.sk;
  const valid =
    index >= 0 &&
    typeof sk === 'string' &&
    Object.keys(cursor).length === 2 &&
    (plan[index]!.index !== undefined || cursor.pk === auditKeys.day(sk)) &&
    sk >= q.from &&
    sk <= `${q.to}#${AFTER_ID}`;
  if (!valid) throw new InvalidCursorError();
  return { index, before: sk };
}

/** DynamoDB orders sort keys by their UTF-8 bytes, so the merge does too. */
const newestFirst = (skName: string) => (a: Item, b: Item) =>
  Buffer.compare(Buffer.from(String(b[skName]), 'utf8'), Buffer.from(String(a[skName]), 'utf8'));

/** Up to `want` items of one partition, newest first, in range and below `before` when given. */
async function newest(db: Db, g: Group, pk: string, q: AuditQuery, before: string | undefined, want: number): Promise<Item[]> {
  const items: Item[] = [];
  const names = Object.fromEntries(g.filters.map((f, n) => [`#f${n}`, f.attribute]));
  const values = Object.fromEntries(g.filters.map((f, n) => [`:f${n}`, f.value]));
  let start: Key | undefined;
  do {
    const missing = want - items.length;
    const res = await db.doc.send(
      new QueryCommand({
        TableName: db.tables.audit,
        ...(g.index ? { IndexName: g.index } : {}),
        // BETWEEN is inclusive: the item at `before` (the last one returned) is read and skipped.
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
        ExpressionAttributeNames: { '#pk': g.pkName, '#sk': g.skName, ...names },
        ExpressionAttributeValues: { ':pk': pk, ':from': q.from, ':to': before ?? `${q.to}#${AFTER_ID}`, ...values },
        ...(g.filters.length ? { FilterExpression: g.filters.map((_, n) => `#f${n} = :f${n}`).join(' AND ') } : {}),
        ScanIndexForward: false,
        Limit: g.sparse ? Math.max(missing, MIN_FILTERED_READ) : missing + (before === undefined ? 0 : 1),
        ExclusiveStartKey: start,
      }),
    );
    for (const item of res.Items ?? []) {
      if (items.length === want) break;
      if (item[g.skName] !== before) items.push(item);
    }
    start = res.LastEvaluatedKey;
  } while (start && items.length < want);
  return items;
}

/**
 * Reads audit records newest first: by bare user id (gsi1, optionally filtered by action and
 * narrowed to one IAM), by action (gsi2, its shards), or else day by day backwards from `to` to
 * `from`, each day's shards. The shards of a group are read in parallel, each up to the page size,
 * and merged; every record above the last one returned was in the page, so the cursor (the group
 * and that record's sort key) never repeats or skips a record.
 */
export async function queryAudit(db: Db, q: AuditQuery): Promise<AuditPage> {
  const plan = groups(q);
  const resume = resumeAt(decodeCursor(q.cursor), plan, q);
  const records: AuditRecord[] = [];
  let last: { group: Group; sk: string } | undefined;
  for (let i = resume.index; i < plan.length && records.length < q.limit; i++) {
    const g = plan[i]!;
    const before = i === resume.index ? resume.before : undefined;
    const want = q.limit - records.length;
    const read = await Promise.all(g.pks.map((pk) => newest(db, g, pk, q, before, want)));
    const page = read.flat().sort(newestFirst(g.skName)).slice(0, want);
    records.push(...page.map(toRecord));
    const tail = page.at(-1);
    if (tail) last = { group: g, sk: String(tail[g.skName]) };
  }
  const full = records.length === q.limit && last !== undefined;
  return { records, nextCursor: full && last ? encodeCursor({ pk: last.group.key, sk: last.sk }) : null };
}
