import { identityKeys } from './key-formats.ts';
import type { TransactItem } from './transact.ts';
import type { UserRecord } from './user-record.ts';

type IndexItem = { pk: string; sk: string; userid: string };
type Indexed = Pick<UserRecord, 'iamid' | 'userid' | 'displayName' | 'externalId' | 'scimId' | 'userName'>;

/** The unique SCIM `userName` marker of a user (case-insensitive per IAM), if it has one. */
function userNameMarkers(r: Pick<UserRecord, 'iamid' | 'userid' | 'userName'>): IndexItem[] {
  return r.userName ? [{ pk: identityKeys.userName(r.iamid, r.userName), sk: identityKeys.marker, userid: r.userid }] : [];
}

/**
 * Non-unique lookup items of SCIM users (`externalId`, case-folded `displayName`), one per
 * user under the value's partition, so SCIM `eq` filters on them never scan.
 */
function lookupItems(r: Indexed): IndexItem[] {
  if (!r.scimId) return [];
  const sk = identityKeys.lookup(r.userid);
  return [
    ...(r.externalId ? [{ pk: identityKeys.userExternalId(r.iamid, r.externalId), sk, userid: r.userid }] : []),
    { pk: identityKeys.userDisplayName(r.iamid, r.displayName), sk, userid: r.userid },
  ];
}

/** The keys of every index item of a user (deleted with it). */
export const indexKeys = (r: Indexed): Array<{ pk: string; sk: string }> => [...userNameMarkers(r), ...lookupItems(r)].map(({ pk, sk }) => ({ pk, sk }));

/** The index items of a new user: its `userName` marker conditional on being free. */
export function createIndexItems(table: string, r: Indexed): TransactItem[] {
  return [
    ...userNameMarkers(r).map((Item) => ({ Put: { TableName: table, Item, ConditionExpression: 'attribute_not_exists(pk)' } })),
    ...lookupItems(r).map((Item) => ({ Put: { TableName: table, Item } })),
  ];
}

/** The index writes of a profile change: a renamed `userName` claims its new marker; lookups follow the values. */
export function updateIndexItems(table: string, current: Indexed, next: Indexed): TransactItem[] {
  const items: TransactItem[] = [];
  if ((current.userName ?? '').toLowerCase() !== (next.userName ?? '').toLowerCase()) {
    for (const Item of userNameMarkers(next)) items.push({ Put: { TableName: table, Item, ConditionExpression: 'attribute_not_exists(pk)' } });
    for (const m of userNameMarkers(current)) items.push({ Delete: { TableName: table, Key: { pk: m.pk, sk: m.sk } } });
  }
  const before = lookupItems(current);
  const after = lookupItems(next);
  const id = (l: { pk: string; sk: string }) => `${l.pk}\n${l.sk}`;
  const kept = new Set(after.map(id));
  const had = new Set(before.map(id));
  for (const l of before) if (!kept.has(id(l))) items.push({ Delete: { TableName: table, Key: { pk: l.pk, sk: l.sk } } });
  for (const Item of after) if (!had.has(id(Item))) items.push({ Put: { TableName: table, Item } });
  return items;
}
