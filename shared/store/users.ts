import { randomUUID } from 'node:crypto';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditInput } from '#shared/audit/record.ts';
import type { AuditWriter } from '#shared/audit/writer.ts';
import { dict, ownValue } from '#shared/model/dict.ts';
import type { Attributes, Permission, Source } from '#shared/model/identity.ts';
import type { Db } from './client.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { ConflictError, NotFoundError, VersionMismatchError } from './errors.ts';
import { keys } from './keys.ts';
import { batchDelete, nowIso, queryAll, transact, type TransactItem } from './transact.ts';
import { apiKeysOfUser, identityCheck } from './identity.ts';
import { withoutKeys } from './item.ts';
import { readScimDocument, scimDocument } from './scim.ts';

/** A user's profile item. */
export interface UserRecord {
  readonly iamid: string;
  readonly userid: string;
  readonly displayName: string;
  readonly email?: string;
  readonly active: boolean;
  readonly permissions: readonly Permission[];
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  /**
   * Immutable internal id, random at creation: a user deleted and created again under the same
   * userid is another identity, and credentials issued for the first never act for the second.
   * Absent on users created before it existed (`uidOf` falls back to `createdAt`).
   */
  readonly uid?: string;
  /** Changes whenever the user is deactivated: tokens carry it, so reactivation revives none (`stampOf`). */
  readonly stamp?: string;
  /** SCIM bookkeeping for users pushed by an identity manager. */
  readonly scimId?: string;
  readonly userName?: string;
  readonly externalId?: string;
  readonly scim?: Record<string, unknown>;
}

/** A user with its attribute values per source and group memberships per source. */
export interface UserAggregate {
  readonly profile: UserRecord;
  readonly attributes: Partial<Record<Source, Attributes>>;
  /** Group ids, with the sources that made the user a member. */
  readonly memberships: ReadonlyMap<string, ReadonlySet<Source>>;
}

export type NewUser = Pick<UserRecord, 'iamid' | 'userid' | 'displayName'> &
  Partial<Pick<UserRecord, 'email' | 'active' | 'permissions' | 'scimId' | 'userName' | 'externalId' | 'scim'>>;

/** One source's attribute values, written along with a profile change. */
export interface SourceValues {
  readonly source: Source;
  readonly values: Attributes;
}

export type UserChanges = Partial<Omit<UserRecord, 'iamid' | 'userid' | 'version' | 'createdAt' | 'updatedAt' | 'uid' | 'stamp'>>;

function toRecord(item: Record<string, unknown>): UserRecord {
  const record = withoutKeys<UserRecord>(item);
  const scim = readScimDocument(item.scim);
  return scim ? { ...record, scim } : record;
}

/** Users, their attribute values per source, and the user side of memberships. */
export class UserRepository {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditWriter,
  ) {}

  private profileItem(r: UserRecord): Record<string, unknown> {
    return {
      pk: keys.user(r.iamid, r.userid),
      sk: keys.profile,
      gsi2pk: keys.usersOfIam(r.iamid),
      gsi2sk: r.userid,
      ...(r.scimId ? { gsi1pk: keys.scimUser(r.iamid, r.scimId), gsi1sk: keys.profile } : {}),
      ...r,
      ...(r.scim ? { scim: scimDocument(r.scim) } : {}),
    };
  }

  private markers(r: Pick<UserRecord, 'iamid' | 'userid' | 'userName'>): Record<string, unknown>[] {
    return r.userName ? [{ pk: keys.userName(r.iamid, r.userName), sk: keys.marker, userid: r.userid }] : [];
  }

  /**
   * Non-unique lookup items of SCIM users (`externalId`, case-folded `displayName`), one per
   * user under the value's partition, so SCIM `eq` filters on them never scan.
   */
  private lookups(r: Pick<UserRecord, 'iamid' | 'userid' | 'displayName' | 'externalId' | 'scimId'>): Array<{ pk: string; sk: string; userid: string }> {
    if (!r.scimId) return [];
    const sk = keys.lookup(r.userid);
    return [
      ...(r.externalId ? [{ pk: keys.userExternalId(r.iamid, r.externalId), sk, userid: r.userid }] : []),
      { pk: keys.userDisplayName(r.iamid, r.displayName), sk, userid: r.userid },
    ];
  }

  /**
   * Creates a user; a duplicate (iamid, userid) or SCIM userName is a `ConflictError`.
   * `attributes` (one source's values) are written in the same transaction.
   */
  async create(input: NewUser, audit?: AuditInput, attributes?: SourceValues): Promise<UserRecord> {
    const now = nowIso();
    const record: UserRecord = { active: true, permissions: [], ...input, version: 1, createdAt: now, updatedAt: now, uid: randomUUID(), stamp: randomUUID() };
    const items: TransactItem[] = [
      { Put: { TableName: this.db.tables.identities, Item: this.profileItem(record), ConditionExpression: 'attribute_not_exists(pk)' } },
      ...this.markers(record).map((Item) => ({
        Put: { TableName: this.db.tables.identities, Item, ConditionExpression: 'attribute_not_exists(pk)' },
      })),
      ...this.lookups(record).map((Item) => ({ Put: { TableName: this.db.tables.identities, Item } })),
      ...(attributes ? this.attributeItems(record.iamid, record.userid, attributes.source, attributes.values) : []),
      ...(audit ? [this.audit.put(audit)] : []),
    ];
    await transact(this.db, items, (i) =>
      i === 0
        ? new ConflictError(`user \`${input.userid}\` already exists in iam \`${input.iamid}\``)
        : new ConflictError(`userName \`${input.userName}\` is already taken`),
    );
    return record;
  }

  /** The profile alone (one read, strongly consistent when asked), or undefined. */
  async getProfile(iamid: string, userid: string, consistent = false): Promise<UserRecord | undefined> {
    const res = await this.db.doc.send(
      new GetCommand({ TableName: this.db.tables.identities, Key: { pk: keys.user(iamid, userid), sk: keys.profile }, ConsistentRead: consistent }),
    );
    return res.Item ? toRecord(res.Item) : undefined;
  }

  /** A transaction item holding only while the user is still the identity `u` (see `identityCheck`). */
  identityCheck(u: UserRecord, options: { active?: boolean } = {}): TransactItem {
    return identityCheck(this.db, u, options);
  }

  /** Profile, attribute values and memberships in one query, or undefined. */
  async get(iamid: string, userid: string): Promise<UserAggregate | undefined> {
    const items = await queryAll(this.db, {
      TableName: this.db.tables.identities,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.user(iamid, userid) },
    });
    return assembleUser(items);
  }

  /**
   * Applies changes if the stored version is still the one read (else `VersionMismatchError`).
   * `attributes` replaces one source's values exactly, in the same transaction.
   */
  async update(current: UserRecord, changes: UserChanges, audit?: AuditInput, attributes?: SourceValues & { before: Attributes }): Promise<UserRecord> {
    // Deactivation takes a new stamp: tokens minted before it stay revoked after a reactivation.
    const deactivated = current.active && changes.active === false;
    const next: UserRecord = { ...current, ...changes, version: current.version + 1, updatedAt: nowIso(), ...(deactivated ? { stamp: randomUUID() } : {}) };
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.db.tables.identities,
          Item: this.profileItem(next),
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':v': current.version },
        },
      },
    ];
    const renamed = (current.userName ?? '').toLowerCase() !== (next.userName ?? '').toLowerCase();
    if (renamed) {
      for (const Item of this.markers(next)) {
        items.push({ Put: { TableName: this.db.tables.identities, Item, ConditionExpression: 'attribute_not_exists(pk)' } });
      }
      for (const m of this.markers(current)) {
        items.push({ Delete: { TableName: this.db.tables.identities, Key: { pk: m.pk, sk: m.sk } } });
      }
    }
    const before = this.lookups(current);
    const after = this.lookups(next);
    const id = (l: { pk: string; sk: string }) => `${l.pk}\n${l.sk}`;
    const kept = new Set(after.map(id));
    for (const l of before) if (!kept.has(id(l))) items.push({ Delete: { TableName: this.db.tables.identities, Key: { pk: l.pk, sk: l.sk } } });
    const had = new Set(before.map(id));
    for (const Item of after) if (!had.has(id(Item))) items.push({ Put: { TableName: this.db.tables.identities, Item } });
    if (attributes) {
      items.push(...this.attributeItems(current.iamid, current.userid, attributes.source, attributeChanges(attributes.before, attributes.values)));
    }
    if (audit) items.push(this.audit.put(audit));
    await transact(this.db, items, (i) =>
      i === 0
        ? new VersionMismatchError(`user \`${current.userid}\` was changed concurrently`)
        : new ConflictError(`userName \`${next.userName}\` is already taken`),
    );
    return next;
  }

  /** One Put per key with values, one Delete per key without, for one source of a user. */
  private attributeItems(iamid: string, userid: string, source: Source, values: Attributes): TransactItem[] {
    const pk = keys.user(iamid, userid);
    return Object.entries(values).map(([key, vals]) => {
      const sk = keys.attr(source, key);
      const unique = [...new Set(vals)];
      return unique.length
        ? { Put: { TableName: this.db.tables.identities, Item: { pk, sk, source, key, values: unique } } }
        : { Delete: { TableName: this.db.tables.identities, Key: { pk, sk } } };
    });
  }

  /**
   * Replaces the values one source holds for the given keys (empty values remove the key),
   * conditional on the user existing.
   */
  async setAttributes(
    iamid: string,
    userid: string,
    source: Source,
    values: Attributes,
    audit?: AuditInput,
  ): Promise<void> {
    const pk = keys.user(iamid, userid);
    const items: TransactItem[] = [
      {
        ConditionCheck: {
          TableName: this.db.tables.identities,
          Key: { pk, sk: keys.profile },
          ConditionExpression: 'attribute_exists(pk)',
        },
      },
    ];
    items.push(...this.attributeItems(iamid, userid, source, values));
    if (audit) items.push(this.audit.put(audit));
    await chunkedTransact(this.db, items, () => new NotFoundError(`user \`${userid}\` not found in iam \`${iamid}\``));
  }

  /** Makes one source's attribute values exactly `values`: keys it no longer sends are removed. */
  async replaceSourceAttributes(
    aggregate: UserAggregate,
    source: Source,
    values: Attributes,
    audit?: AuditInput,
  ): Promise<boolean> {
    const changes = attributeChanges(aggregate.attributes[source] ?? {}, values);
    if (!Object.keys(changes).length) return false;
    await this.setAttributes(aggregate.profile.iamid, aggregate.profile.userid, source, changes, audit);
    return true;
  }

  /**
   * Deletes the user with its attribute values, memberships, markers and API keys; the keys go
   * in the transaction that deletes the profile (a key the index has not shown yet is refused
   * anyway: it names the deleted user's uid).
   */
  async delete(iamid: string, userid: string, audit?: AuditInput): Promise<boolean> {
    const pk = keys.user(iamid, userid);
    const items = await queryAll(this.db, {
      TableName: this.db.tables.identities,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
    });
    const profile = items.find((i) => i.sk === keys.profile);
    if (!profile) return false;
    const record = toRecord(profile);
    const extra = items.filter((i) => i.sk !== keys.profile).map((i) => ({ pk: i.pk, sk: i.sk }));
    const apiKeys = await apiKeysOfUser(this.db, iamid, userid);
    const owned = [...this.markers(record), ...this.lookups(record), ...apiKeys.flatMap((k) => keys.apiKeyItems(k.hash, k.keyId))];
    // A transaction holds 100 items: what does not fit beside the profile goes first, in batches.
    const inTransaction = owned.slice(0, 90);
    await batchDelete(this.db, this.db.tables.identities, [...extra, ...owned.slice(90).map((m) => ({ pk: m.pk, sk: m.sk }))]);
    const keyIds = apiKeys.map((k) => k.keyId);
    const recorded = audit && keyIds.length ? { ...audit, payload: { ...audit.payload, apiKeysDeleted: keyIds } } : audit;
    await transact(this.db, [
      { Delete: { TableName: this.db.tables.identities, Key: { pk, sk: keys.profile } } },
      ...inTransaction.map((m) => ({ Delete: { TableName: this.db.tables.identities, Key: { pk: m.pk, sk: m.sk } } })),
      ...(recorded ? [this.audit.put(recorded)] : []),
    ]);
    return true;
  }

  /** The userid holding a SCIM userName (case-insensitive), if any. */
  async useridByUserName(iamid: string, userName: string): Promise<string | undefined> {
    const res = await this.db.doc.send(
      new GetCommand({ TableName: this.db.tables.identities, Key: { pk: keys.userName(iamid, userName), sk: keys.marker } }),
    );
    return res.Item?.userid as string | undefined;
  }

  /** Userids of SCIM users with this `externalId` (case-exact), in userid order. */
  async useridsByExternalId(iamid: string, externalId: string): Promise<string[]> {
    return this.lookupUserids(keys.userExternalId(iamid, externalId));
  }

  /** Userids of SCIM users with this `displayName` (case-insensitive), in userid order. */
  async useridsByDisplayName(iamid: string, displayName: string): Promise<string[]> {
    return this.lookupUserids(keys.userDisplayName(iamid, displayName));
  }

  private async lookupUserids(pk: string): Promise<string[]> {
    const items = await queryAll(this.db, {
      TableName: this.db.tables.identities,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
    });
    return items.map((i) => i.userid as string);
  }

  /** The profile of a SCIM id, if any (index lookup). */
  async getByScimId(iamid: string, scimId: string): Promise<UserRecord | undefined> {
    const res = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.tables.identities,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.scimUser(iamid, scimId) },
      }),
    );
    const item = res.Items?.[0];
    return item ? toRecord(item) : undefined;
  }

  /** One page of an IAM's user profiles, ordered by userid. */
  async list(iamid: string, options: { limit?: number; cursor?: string | null } = {}): Promise<{ users: UserRecord[]; cursor: string | null }> {
    const res = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.tables.identities,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.usersOfIam(iamid) },
        Limit: options.limit ?? 100,
        ExclusiveStartKey: decodeCursor(options.cursor),
      }),
    );
    return { users: (res.Items ?? []).map(toRecord), cursor: encodeCursor(res.LastEvaluatedKey) };
  }
}

/** What to write for a source so its values become exactly `values` (empty list = remove the key). */
export function attributeChanges(before: Attributes, values: Attributes): Attributes {
  const changes = dict<string[]>();
  for (const key of Object.keys(before)) if (!Object.hasOwn(values, key)) changes[key] = [];
  for (const [key, vals] of Object.entries(values)) {
    const old = ownValue(before, key) ?? [];
    const same = old.length === new Set(vals).size && vals.every((v) => old.includes(v));
    if (!same) changes[key] = vals;
  }
  return changes;
}

/** Builds a user aggregate from the items of its partition. */
export function assembleUser(items: Array<Record<string, unknown>>): UserAggregate | undefined {
  const profileItem = items.find((i) => i.sk === keys.profile);
  if (!profileItem) return undefined;
  const attributes: Partial<Record<Source, Attributes>> = {};
  const memberships = new Map<string, Set<Source>>();
  for (const item of items) {
    const sk = item.sk as string;
    if (sk.startsWith(keys.attrPrefix)) {
      const source = item.source as Source;
      (attributes[source] ??= dict())[item.key as string] = item.values as string[];
    } else if (sk.startsWith(keys.memberPrefix)) {
      const gid = item.groupId as string;
      let set = memberships.get(gid);
      if (!set) memberships.set(gid, (set = new Set()));
      set.add(item.source as Source);
    }
  }
  return { profile: toRecord(profileItem), attributes, memberships };
}

/** DynamoDB transactions hold at most 100 items: larger changes go in several. */
async function chunkedTransact(db: Db, items: TransactItem[], onConflict: () => Error): Promise<void> {
  const [check, ...rest] = items;
  if (!check) return;
  for (let i = 0; i < Math.max(rest.length, 1); i += 99) {
    await transact(db, [check, ...rest.slice(i, i + 99)], onConflict);
  }
}
