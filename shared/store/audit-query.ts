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

/** One partition of a group, read newest first in steps: what has been read and where the next step starts. */
class PartitionReader {
  readonly items: Item[] = [];
  done = false;
  private start: Key | undefined;
  private first = true;

  constructor(
    private readonly db: Db,
    private readonly g: Group,
    private readonly pk: string,
    private readonly q: AuditQuery,
    private readonly before: string | undefined,
  ) {}

  /** The oldest item read so far. */
  get last(): Item | undefined {
    return this.items.at(-1);
  }

  /** Reads at least `n` more items, fewer only at the end of the partition's range. */
  async more(n: number): Promise<void> {
    const { g, q, before } = this;
    const names = Object.fromEntries(g.filters.map((f, i) => [`#f${i}`, f.attribute]));
    const values = Object.fromEntries(g.filters.map((f, i) => [`:f${i}`, f.value]));
    const target = this.items.length + n;
    while (!this.done && this.items.length < target) {
      const missing = target - this.items.length;
      // BETWEEN is inclusive: the item at `before` (the last one returned) is read and skipped.
      const skipped = this.first && before !== undefined ? 1 : 0;
      const res = await this.db.doc.send(
        new QueryCommand({
          TableName: this.db.tables.audit,
          ...(g.index ? { IndexName: g.index } : {}),
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#pk': g.pkName, '#sk': g.skName, ...names },
          ExpressionAttributeValues: { ':pk': this.pk, ':from': q.from, ':to': before ?? `${q.to}#${AFTER_ID}`, ...values },
          ...(g.filters.length ? { FilterExpression: g.filters.map((_, i) => `#f${i} = :f${i}`).join(' AND ') } : {}),
          ScanIndexForward: false,
          Limit: g.sparse ? Math.max(missing, MIN_FILTERED_READ) : missing + skipped,
          ExclusiveStartKey: this.start,
        }),
      );
      this.first = false;
      // Every item of the response is kept (a later step starts after the last one evaluated).
      for (const item of res.Items ?? []) if (item[g.skName] !== before) this.items.push(item);
      this.start = res.LastEvaluatedKey;
      this.done = this.start === undefined;
    }
  }
}

/**
 * What each partition of a group reads first for a page of `want`: its even share plus two
 * standard deviations of how records spread over shards by their id's hash, so a page rarely
 * needs a second read of any shard. A single partition reads the whole page.
 */
function firstShare(want: number, partitions: number): number {
  if (partitions === 1) return want;
  const share = want / partitions;
  return Math.min(want, Math.ceil(share + 2 * Math.sqrt(share)) + 1);
}

/**
 * The newest `want` items of a group's partitions, below `before` when given. Each partition reads
 * its share; then, while some partition not read to its end has read nothing older than the
 * page's cut (the `want`-th newest item read), it might hold items above the cut and reads more
 * (twice what it has, at most the page). The other partitions are not read again.
 */
async function newestOfGroup(db: Db, g: Group, q: AuditQuery, before: string | undefined, want: number): Promise<Item[]> {
  const order = newestFirst(g.skName);
  const readers = g.pks.map((pk) => new PartitionReader(db, g, pk, q, before));
  const share = firstShare(want, readers.length);
  await Promise.all(readers.map((r) => r.more(share)));
  for (;;) {
    const merged = readers.flatMap((r) => r.items).sort(order);
    const cut = merged.length >= want ? merged[want - 1] : undefined;
    const short = readers.filter((r) => !r.done && (cut === undefined || r.last === undefined || order(r.last, cut) < 0));
    if (!short.length) return merged.slice(0, want);
    await Promise.all(short.map((r) => r.more(Math.min(want, Math.max(share, r.items.length)))));
  }
}

/**
 * Reads audit records newest first: by bare user id (gsi1, optionally filtered by action and
 * narrowed to one IAM), by action (gsi2, its shards), or else day by day backwards from `to` to
 * `from`, each day's shards. The shards of a group are read in parallel, each about its share of
 * the page (`newestOfGroup`), and merged; every record above the last one returned was in the
 * page, so the cursor (the group and that record's sort key) never repeats or skips a record.
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
    const page = await newestOfGroup(db, g, q, before, want);
    records.push(...page.map(toRecord));
    const tail = page.at(-1);
    if (tail) last = { group: g, sk: String(tail[g.skName]) };
  }
  const full = records.length === q.limit && last !== undefined;
  return { records, nextCursor: full && last ? encodeCursor({ pk: last.group.key, sk: last.sk }) : null };
}
