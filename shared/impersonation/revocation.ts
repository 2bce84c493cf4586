import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/store/client.ts';
import { keys } from '#shared/store/keys.ts';
import { sessionKeys } from './keys.ts';
import { fromItem, type RevocationMarker, type SessionRecord } from './sessions.ts';

/** What a token's holder may be refused for after its signature checked out. */
export type RevocationReason = 'session ended' | 'session switched to another user' | 'unknown session' | 'user deactivated' | 'user deleted';

/** The token's claims the revocation check needs. */
export interface RevocationSubject {
  readonly sid: string;
  readonly gen: string;
  readonly iamid: string;
  readonly sub: string;
}

/**
 * Why the token is revoked, or undefined when it still stands: one strongly consistent
 * BatchGetItem reads the session, its end marker and the target user's profile.
 */
export async function revocationOf(db: Db, t: RevocationSubject): Promise<RevocationReason | undefined> {
  const sessionKey = sessionKeys.session(t.sid);
  const markerKey = sessionKeys.revoked(t.sid);
  const userKey = { pk: keys.user(t.iamid, t.sub), sk: keys.profile };
  let request: Record<string, { Keys: Array<Record<string, string>>; ConsistentRead: boolean }> = {
    [db.tables.sessions]: { Keys: [sessionKey, markerKey], ConsistentRead: true },
    [db.tables.identities]: { Keys: [userKey], ConsistentRead: true },
  };
  const items: Array<Record<string, unknown>> = [];
  for (let attempt = 0; Object.keys(request).length && attempt < 5; attempt++) {
    const res = await db.doc.send(new BatchGetCommand({ RequestItems: request }));
    for (const list of Object.values(res.Responses ?? {})) items.push(...list);
    request = (res.UnprocessedKeys ?? {}) as typeof request;
  }
  if (Object.keys(request).length) throw new Error('revocation check did not complete: dynamodb left keys unprocessed');
  const find = (k: { pk: string; sk: string }) => items.find((i) => i.pk === k.pk && i.sk === k.sk);
  const marker = find(markerKey);
  if (marker && fromItem<RevocationMarker>(marker).gen === t.gen) return 'session ended';
  const session = find(sessionKey);
  if (!session) return 'unknown session';
  const record = fromItem<SessionRecord>(session);
  if (record.gen !== t.gen || record.user.userid !== t.sub || record.user.iamid !== t.iamid) return 'session switched to another user';
  const user = find(userKey);
  if (!user) return 'user deleted';
  if (user.active === false) return 'user deactivated';
  return undefined;
}
