import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './client.ts';
import { keys } from './keys.ts';

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

/**
 * The profiles of `userids` (missing users left out), read 100 keys per BatchGetItem, projected
 * to what a member list shows. Unprocessed keys are retried with backoff.
 */
export async function memberProfiles(db: Db, iamid: string, userids: readonly string[]): Promise<Map<string, MemberProfile>> {
  const out = new Map<string, MemberProfile>();
  const table = db.tables.identities;
  for (let i = 0; i < userids.length; i += 100) {
    let pending: Array<Record<string, unknown>> = userids.slice(i, i + 100).map((u) => ({ pk: keys.user(iamid, u), sk: keys.profile }));
    for (let attempt = 0; pending.length && attempt < 8; attempt++) {
      if (attempt) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
      const res = await db.doc.send(
        new BatchGetCommand({
          RequestItems: {
            [table]: { Keys: pending, ProjectionExpression: 'userid, scimId, displayName' },
          },
        }),
      );
      for (const item of res.Responses?.[table] ?? []) {
        out.set(item.userid as string, item as MemberProfile);
      }
      pending = (res.UnprocessedKeys?.[table]?.Keys ?? []) as Array<Record<string, unknown>>;
    }
  }
  return out;
}
