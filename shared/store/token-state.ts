import type { Principal, UserRef } from '#shared/model/identity.ts';
import type { ImpersonationSettings, RevocationMarker, SessionRecord } from '#shared/model/impersonation.ts';
import { batchGet } from './batch.ts';
import type { Db } from './client.ts';
import { withoutKeys } from './item.ts';
import { identityKeys, sessionKeys } from './key-formats.ts';
import type { UserRecord } from './user-record.ts';

/** What an impersonation token names, by which the items it rests on are found. */
export interface TokenRef {
  /** The impersonator's label (`act.sub`). */
  readonly label: string;
  readonly sessionId: string;
  readonly target: UserRef;
  /** A user impersonator. */
  readonly impersonator?: UserRef;
  readonly keyId: string;
}

/** Everything a token rests on, as stored now, by role (absent: no such item). */
export interface TokenState {
  readonly session?: SessionRecord;
  readonly ended?: RevocationMarker;
  readonly settings?: ImpersonationSettings;
  readonly target?: UserRecord;
  readonly impersonator?: UserRecord;
  readonly keyRef?: { readonly principal: Principal };
}

type ItemKey = { pk: string; sk: string };

/** The items an impersonation token rests on, read together. */
export class TokenStateRepository {
  constructor(private readonly db: Db) {}

  /**
   * One strongly consistent BatchGetItem: the session, its end marker, the settings, the
   * target's profile, the minting key's id item and a user impersonator's profile.
   */
  async read(ref: TokenRef): Promise<TokenState> {
    const sessionKey = sessionKeys.session(ref.label, ref.sessionId);
    const endedKey = sessionKeys.ended(ref.label, ref.sessionId);
    const profile = (u: UserRef): ItemKey => ({ pk: identityKeys.user(u.iamid, u.userid), sk: identityKeys.profile });
    const targetKey = profile(ref.target);
    const impersonatorKey = ref.impersonator ? profile(ref.impersonator) : undefined;
    const keyRefKey = { pk: identityKeys.apiKeyRef(ref.keyId), sk: identityKeys.marker };
    // A user may impersonate itself: BatchGetItem refuses a key listed twice.
    const identityItems = [targetKey, keyRefKey, ...(impersonatorKey && impersonatorKey.pk !== targetKey.pk ? [impersonatorKey] : [])];
    const items = await batchGet(this.db, {
      [this.db.tables.sessions]: { Keys: [sessionKey, endedKey, sessionKeys.settings], ConsistentRead: true },
      [this.db.tables.identities]: { Keys: identityItems, ConsistentRead: true },
    });
    const find = <T>(k: ItemKey | undefined): T | undefined => {
      const item = k && items.find((i) => i.pk === k.pk && i.sk === k.sk);
      return item ? withoutKeys<T>(item) : undefined;
    };
    return {
      session: find<SessionRecord>(sessionKey),
      ended: find<RevocationMarker>(endedKey),
      settings: find<ImpersonationSettings>(sessionKeys.settings),
      target: find<UserRecord>(targetKey),
      impersonator: find<UserRecord>(impersonatorKey),
      keyRef: find<{ principal: Principal }>(keyRefKey),
    };
  }
}
