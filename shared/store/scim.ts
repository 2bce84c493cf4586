import { batchGetAll } from './batch.ts';
import type { Db } from './client.ts';
import { identityKeys } from './key-formats.ts';
import { queryAll } from './pages.ts';

/**
 * A SCIM resource as stored in its profile item: JSON text, not a DynamoDB map. The document
 * client tells maps from class instances by their `constructor` property, and rebuilds maps by
 * assignment, so a client's attribute named `constructor` or `__proto__` would fail the write
 * or vanish on read; text keeps every name the client sent.
 */
export function scimDocument(resource: Record<string, unknown>): string {
  return JSON.stringify(resource);
}

/** The SCIM resource of a stored profile item; items written before the text form hold a map. */
export function readScimDocument(stored: unknown): Record<string, unknown> | undefined {
  if (typeof stored === 'string') return JSON.parse(stored) as Record<string, unknown>;
  return stored as Record<string, unknown> | undefined;
}

/** What SCIM needs of a group member to render it: its SCIM id and display name. */
export interface MemberProfile {
  readonly userid: string;
  readonly scimId?: string;
  readonly displayName?: string;
}

/** The profiles of `userids` (missing users left out), projected to what a member list shows. */
export async function memberProfiles(db: Db, iamid: string, userids: readonly string[]): Promise<Map<string, MemberProfile>> {
  const keys = userids.map((u) => ({ pk: identityKeys.user(iamid, u), sk: identityKeys.profile }));
  const items = await batchGetAll(db, db.tables.identities, keys, { ProjectionExpression: 'userid, scimId, displayName' });
  return new Map(items.map((item) => [item.userid as string, item as unknown as MemberProfile]));
}

/** The displayNames of groups by id (missing groups left out). */
export async function groupNames(db: Db, iamid: string, groupIds: readonly string[]): Promise<Map<string, string>> {
  const keys = groupIds.map((g) => ({ pk: identityKeys.group(iamid, g), sk: identityKeys.profile }));
  const items = await batchGetAll(db, db.tables.identities, keys, { ProjectionExpression: '#id, displayName', ExpressionAttributeNames: { '#id': 'id' } });
  return new Map(items.map((item) => [item.id as string, item.displayName as string]));
}

/**
 * Ids of the groups `userid` is a SCIM member of: the membership items in the user's own
 * partition (the user side of the member index), never a read of the IAM's groups.
 */
export async function scimGroupIds(db: Db, iamid: string, userid: string): Promise<string[]> {
  const items = await queryAll(db, {
    TableName: db.tables.identities,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :member)',
    FilterExpression: '#source = :scim',
    ExpressionAttributeNames: { '#source': 'source' },
    ExpressionAttributeValues: { ':pk': identityKeys.user(iamid, userid), ':member': identityKeys.memberPrefix, ':scim': 'scim' },
  });
  return items.map((i) => i.groupId as string);
}
