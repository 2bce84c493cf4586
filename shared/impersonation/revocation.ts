import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { principalLabel } from '#shared/auth/caller.ts';
import type { Permission } from '#shared/model/identity.ts';
import type { Db } from '#shared/store/client.ts';
import { stampOf, uidOf } from '#shared/store/identity.ts';
import { withoutKeys } from '#shared/store/item.ts';
import { keys } from '#shared/store/keys.ts';
import type { UserRecord } from '#shared/store/users.ts';
import { sessionKeys } from './keys.ts';
import { mayImpersonate } from './rule.ts';
import type { RevocationMarker, SessionRecord } from './sessions.ts';
import type { ImpersonationSettings } from './settings.ts';
import type { Minter, VerifiedClaims } from './tokens.ts';

/** Every reason a token whose signature checked out is refused. */
export type RevocationReason =
  | 'session ended'
  | 'unknown session'
  | 'impersonator mismatch'
  | 'session switched to another user'
  | 'user deleted'
  | 'user recreated'
  | 'user deactivated'
  | 'impersonator deleted'
  | 'impersonator recreated'
  | 'impersonator deactivated'
  | 'impersonator key deleted'
  | 'impersonator left the allow list'
  | 'impersonator lost IMPERSONATE_USER';

/** The revocation check's answer: a token is accepted only on a positive `valid`. */
export type Verdict = { readonly valid: true } | { readonly valid: false; readonly reason: RevocationReason };

/** What the impersonation rule needs beyond the stored settings: the deployment's part. */
export interface RevocationRules {
  /** The settings in force while none are stored (the deployment defaults). */
  readonly defaults: ImpersonationSettings;
  readonly requireAllowList: boolean;
}

/** What the one read found, by role. */
export interface Found {
  readonly session?: SessionRecord;
  readonly ended?: RevocationMarker;
  readonly settings?: ImpersonationSettings;
  readonly target?: UserRecord;
  readonly impersonator?: UserRecord;
  readonly keyRef?: { readonly principal: SessionRecord['impersonator'] };
}

const NONE: ReadonlySet<Permission> = new Set();
const refused = (reason: RevocationReason): Verdict => ({ valid: false, reason });

/**
 * Judges a token on what the read found: valid only when its session stands at its generation
 * for its user, under the impersonator `act` names, the target is the same active identity, and
 * the impersonator still may impersonate (same active identity, key not deleted, the rule holds).
 */
export function judge(claims: VerifiedClaims, minter: Minter, found: Found, rules: RevocationRules): Verdict {
  if (found.ended && found.ended.gen === claims.gen) return refused('session ended');
  const session = found.session;
  if (!session) return refused('unknown session');
  if (principalLabel(session.impersonator) !== claims.act.sub || session.impersonatorUid !== minter.identity?.uid) return refused('impersonator mismatch');
  if (session.gen !== claims.gen || session.user.userid !== claims.sub || session.user.iamid !== claims.iamid) return refused('session switched to another user');
  const target = found.target;
  if (!target) return refused('user deleted');
  if (uidOf(target) !== claims.uid) return refused('user recreated');
  if (!target.active || stampOf(target) !== claims.stamp) return refused('user deactivated');
  let permissions = NONE;
  if (minter.principal.type === 'user') {
    const user = found.impersonator;
    if (!user) return refused('impersonator deleted');
    if (uidOf(user) !== minter.identity?.uid) return refused('impersonator recreated');
    if (!user.active || stampOf(user) !== minter.identity.stamp) return refused('impersonator deactivated');
    permissions = new Set(user.permissions);
  }
  if (!found.keyRef || principalLabel(found.keyRef.principal) !== claims.act.sub) return refused('impersonator key deleted');
  const rule = mayImpersonate({ principal: minter.principal, via: 'api-key', permissions }, found.settings ?? rules.defaults, rules.requireAllowList);
  if (!rule.allowed) return refused(rule.code === 'no-permission' ? 'impersonator lost IMPERSONATE_USER' : 'impersonator left the allow list');
  return { valid: true };
}

type ItemKey = { pk: string; sk: string };

/**
 * The verdict on a token: one strongly consistent BatchGetItem reads the session, its end
 * marker, the settings, the target's profile, the minting key's id item and a user
 * impersonator's profile, then `judge` decides.
 */
export async function verdictOf(db: Db, claims: VerifiedClaims, minter: Minter, rules: RevocationRules): Promise<Verdict> {
  const label = claims.act.sub;
  const sessionKey = sessionKeys.session(label, claims.sid);
  const endedKey = sessionKeys.ended(label, claims.sid);
  const targetKey = { pk: keys.user(claims.iamid, claims.sub), sk: keys.profile };
  const impersonatorKey = minter.principal.type === 'user' ? { pk: keys.user(minter.principal.iamid, minter.principal.id), sk: keys.profile } : undefined;
  const keyRefKey = { pk: keys.apiKeyRef(minter.keyId), sk: keys.marker };
  // A user may impersonate itself: BatchGetItem refuses a key listed twice.
  const identityKeys = [targetKey, keyRefKey, ...(impersonatorKey && impersonatorKey.pk !== targetKey.pk ? [impersonatorKey] : [])];
  let request: Record<string, { Keys: ItemKey[]; ConsistentRead: boolean }> = {
    [db.tables.sessions]: { Keys: [sessionKey, endedKey, sessionKeys.settings], ConsistentRead: true },
    [db.tables.identities]: { Keys: identityKeys, ConsistentRead: true },
  };
  const items: Array<Record<string, unknown>> = [];
  for (let attempt = 0; Object.keys(request).length && attempt < 5; attempt++) {
    const res = await db.doc.send(new BatchGetCommand({ RequestItems: request }));
    for (const list of Object.values(res.Responses ?? {})) items.push(...list);
    request = (res.UnprocessedKeys ?? {}) as typeof request;
  }
  if (Object.keys(request).length) throw new Error('revocation check did not complete: dynamodb left keys unprocessed');
  const find = <T>(k: ItemKey | undefined): T | undefined => {
    const item = k && items.find((i) => i.pk === k.pk && i.sk === k.sk);
    return item ? withoutKeys<T>(item) : undefined;
  };
  const found: Found = {
    session: find<SessionRecord>(sessionKey),
    ended: find<RevocationMarker>(endedKey),
    settings: find<ImpersonationSettings>(sessionKeys.settings),
    target: find<UserRecord>(targetKey),
    impersonator: find<UserRecord>(impersonatorKey),
    keyRef: find<{ principal: SessionRecord['impersonator'] }>(keyRefKey),
  };
  return judge(claims, minter, found, rules);
}
