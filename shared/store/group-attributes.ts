import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dictFrom } from '#shared/model/dict.ts';
import type { Attributes, Source } from '#shared/model/identity.ts';
import { readAttributes, type SourceAttributes } from './attributes.ts';
import { batchDelete } from './batch.ts';
import type { Db } from './client.ts';
import { GroupAttributesLimitError, NotFoundError, StoreUnavailableError, VersionMismatchError } from './errors.ts';
import { identityKeys } from './key-formats.ts';
import { queryAll } from './pages.ts';
import { MAX_TRANSACTION_ITEMS, transact, type TransactItem } from './transact.ts';

/**
 * A group's attribute values live in one item beside its profile (`ATTRS`), so the groups of a
 * user are read in BatchGetItems of 100 keys, never one Query per group. Groups written before
 * that item existed keep one item per key (`ATTR#<source>#<key>`) until their next attribute
 * change moves them; a group's partition without the item is read the old way.
 */

/** Bytes of JSON a group's attributes may take: DynamoDB items hold 400 KB in all. */
export const GROUP_ATTRIBUTES_BYTES = 300_000;

/** Attempts of an attribute change that lost a race with another (each re-reads the item, after a random pause). */
const ATTEMPTS = 10;

const pause = (attempt: number) => new Promise((r) => setTimeout(r, Math.random() * 5 * 2 ** Math.min(attempt, 6)));

/** The key of the item holding a group's attribute values. */
export const groupAttributesKey = (iamid: string, groupId: string) => ({ pk: identityKeys.group(iamid, groupId), sk: identityKeys.groupAttributes });

/** The attributes item of a new group: no values yet, version 0. */
export function emptyAttributesItem(iamid: string, groupId: string): Record<string, unknown> {
  return { ...groupAttributesKey(iamid, groupId), attributes: '{}', version: 0 };
}

/** The values an attributes item holds, per source, as prototype-less objects (keys are user input). */
export function readAttributesItem(item: Record<string, unknown>): SourceAttributes {
  const parsed = JSON.parse(item.attributes as string) as Record<string, Record<string, string[]>>;
  const out: SourceAttributes = {};
  for (const [source, values] of Object.entries(parsed)) out[source as Source] = dictFrom(Object.entries(values));
  return out;
}

/** A group's attributes from the items of its partition: the attributes item, else (older groups) one item per key. */
export function partitionAttributes(items: ReadonlyArray<Record<string, unknown>>): SourceAttributes {
  const item = items.find((i) => i.sk === identityKeys.groupAttributes);
  return item ? readAttributesItem(item) : readAttributes(items);
}

/** `current` with one source's keys replaced by `values` (an empty list removes the key). */
export function withValues(current: SourceAttributes, source: Source, values: Attributes): SourceAttributes {
  const next = dictFrom(Object.entries(current[source] ?? {}));
  for (const [key, vals] of Object.entries(values)) {
    const unique = [...new Set(vals)];
    if (unique.length) next[key] = unique;
    else delete next[key];
  }
  const out: SourceAttributes = { ...current };
  if (Object.keys(next).length) out[source] = next;
  else delete out[source];
  return out;
}

interface Current {
  readonly attributes: SourceAttributes;
  /** The stored item's version, or undefined when the group still has one item per key. */
  readonly version: number | undefined;
  /** Keys of the per-key items the change replaces. */
  readonly legacy: Array<{ pk: string; sk: string }>;
}

async function readCurrent(db: Db, iamid: string, groupId: string): Promise<Current | undefined> {
  const res = await db.doc.send(new GetCommand({ TableName: db.tables.identities, Key: groupAttributesKey(iamid, groupId), ConsistentRead: true }));
  if (res.Item) return { attributes: readAttributesItem(res.Item), version: res.Item.version as number, legacy: [] };
  const items = await queryAll(db, { TableName: db.tables.identities, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': identityKeys.group(iamid, groupId) }, ConsistentRead: true });
  if (!items.some((i) => i.sk === identityKeys.profile)) return undefined;
  const legacy = items.filter((i) => (i.sk as string).startsWith(identityKeys.attrPrefix)).map((i) => ({ pk: i.pk as string, sk: i.sk as string }));
  return { attributes: readAttributes(items), version: undefined, legacy };
}

/**
 * Writes a group's attributes item as `next` makes it from the current values: one conditional
 * write with a check that the group exists, retried when another change won the race. `next`
 * answering undefined writes nothing. An unknown group is a `NotFoundError`; values that would
 * not fit one item are a `GroupAttributesLimitError` and change nothing.
 */
async function rewrite(db: Db, iamid: string, groupId: string, next: (current: Current) => SourceAttributes | undefined, audit?: TransactItem): Promise<boolean> {
  const table = db.tables.identities;
  const profile = { pk: identityKeys.group(iamid, groupId), sk: identityKeys.profile };
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (attempt) await pause(attempt);
    const current = await readCurrent(db, iamid, groupId);
    if (!current) throw new NotFoundError(`group \`${groupId}\` not found in iam \`${iamid}\``);
    const attributes = next(current);
    if (!attributes) return false;
    const text = JSON.stringify(attributes);
    if (Buffer.byteLength(text) > GROUP_ATTRIBUTES_BYTES) throw new GroupAttributesLimitError(`attributes of group \`${groupId}\` would exceed ${GROUP_ATTRIBUTES_BYTES} bytes`);
    const version = (current.version ?? 0) + 1;
    const guard = current.version === undefined ? { ConditionExpression: 'attribute_not_exists(pk)' } : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': current.version } };
    // The per-key items that fit go in the same write; any beyond are removed after (readers ignore them once the item exists).
    const room = MAX_TRANSACTION_ITEMS - 3;
    const items: TransactItem[] = [
      { Put: { TableName: table, Item: { ...groupAttributesKey(iamid, groupId), attributes: text, version }, ...guard } },
      { ConditionCheck: { TableName: table, Key: profile, ConditionExpression: 'attribute_exists(pk)' } },
      ...current.legacy.slice(0, room).map((Key) => ({ Delete: { TableName: table, Key } })),
      ...(audit ? [audit] : []),
    ];
    try {
      await transact(db, items, (i) => (i === 0 ? new VersionMismatchError(`attributes of group \`${groupId}\` were changed concurrently`) : new NotFoundError(`group \`${groupId}\` not found in iam \`${iamid}\``)));
    } catch (err) {
      if (err instanceof VersionMismatchError) continue;
      throw err;
    }
    await batchDelete(db, table, current.legacy.slice(room));
    return true;
  }
  throw new StoreUnavailableError(`attributes of group \`${groupId}\` keep changing concurrently`);
}

/** Replaces one source's values for the given keys of a group's attributes (see `rewrite` for the errors). */
export async function setGroupAttributes(db: Db, iamid: string, groupId: string, source: Source, values: Attributes, audit?: TransactItem): Promise<void> {
  await rewrite(db, iamid, groupId, (current) => withValues(current.attributes, source, values), audit);
}

/**
 * Moves a group written before the attributes item existed to it (its per-key items become the
 * item, the same values); true when it moved, false when the group already had the item.
 */
export function moveGroupAttributes(db: Db, iamid: string, groupId: string): Promise<boolean> {
  return rewrite(db, iamid, groupId, (current) => (current.version === undefined ? current.attributes : undefined));
}
