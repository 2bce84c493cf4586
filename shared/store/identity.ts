import type { Db } from './client.ts';
import { identityKeys } from './key-formats.ts';
import { type TransactItem } from './transact.ts';
import { queryAll } from './pages.ts';

/** What identifies one incarnation of a user, as stored on its profile. */
export interface UserIdentityFields {
  readonly iamid: string;
  readonly userid: string;
  readonly createdAt: string;
  readonly uid?: string;
  readonly stamp?: string;
}

/** The user's immutable internal id (`createdAt` for users created before ids existed). */
export const uidOf = (u: Pick<UserIdentityFields, 'uid' | 'createdAt'>): string => u.uid ?? u.createdAt;

/** The user's deactivation stamp (its id until it is first deactivated). */
export const stampOf = (u: Pick<UserIdentityFields, 'uid' | 'stamp' | 'createdAt'>): string => u.stamp ?? uidOf(u);

/**
 * A transaction item that holds only while the user is still the identity `u` was read as
 * (same uid) and, with `active`, active with the same stamp: a credential is issued for exactly
 * the person it names.
 */
export function identityCheck(db: Db, u: UserIdentityFields, options: { active?: boolean } = {}): TransactItem {
  const names: Record<string, string> = { '#uid': 'uid' };
  const values: Record<string, unknown> = u.uid ? { ':uid': u.uid } : { ':created': u.createdAt };
  const parts = [u.uid ? '#uid = :uid' : 'attribute_not_exists(#uid) AND createdAt = :created'];
  if (options.active) {
    names['#stamp'] = 'stamp';
    values[':active'] = true;
    parts.push('active = :active', u.stamp ? '#stamp = :stamp' : 'attribute_not_exists(#stamp)');
    if (u.stamp) values[':stamp'] = u.stamp;
  }
  return {
    ConditionCheck: {
      TableName: db.tables.identities,
      Key: { pk: identityKeys.user(u.iamid, u.userid), sk: identityKeys.profile },
      ConditionExpression: parts.join(' AND '),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

/** The API keys issued for a user, as the principal index lists them (eventually consistent). */
export function apiKeysOfUser(db: Db, iamid: string, userid: string): Promise<Array<{ hash: string; keyId: string }>> {
  return queryAll(db, {
    TableName: db.tables.identities,
    IndexName: 'gsi2',
    KeyConditionExpression: 'gsi2pk = :pk',
    ExpressionAttributeValues: { ':pk': identityKeys.apiKeysOf({ type: 'user', iamid, id: userid }) },
  });
}
