import { randomUUID } from 'node:crypto';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditInput } from '#shared/audit/record.ts';
import type { Attributes, Source } from '#shared/model/identity.ts';
import { attributeChanges, attributeItems } from './attributes.ts';
import { batchDelete } from './batch.ts';
import { ConflictError, NotFoundError, VersionMismatchError } from './errors.ts';
import { apiKeysOfUser, identityCheck } from './identity.ts';
import { identityKeys } from './key-formats.ts';
import { partitionPage, queryAll, type PageRequest } from './pages.ts';
import { MAX_TRANSACTION_ITEMS, nowIso, transact, transactInChunks, type TransactItem } from './transact.ts';
import { createIndexItems, indexKeys, updateIndexItems } from './user-index.ts';
import { assembleUser, newUserRecord, toUserRecord, userProfileItem, type NewUser, type SourceValues, type UserAggregate, type UserChanges, type UserRecord } from './user-record.ts';
import { AuditedRepository } from './repository.ts';

/** Users, their attribute values per source, and the user side of memberships. */
export class UserRepository extends AuditedRepository {
  protected readonly tableName = 'identities';

  private attributeItems(iamid: string, userid: string, source: Source, values: Attributes): TransactItem[] {
    return attributeItems(this.table, identityKeys.user(iamid, userid), source, values);
  }

  /**
   * Creates a user; a duplicate (iamid, userid) or SCIM userName is a `ConflictError`.
   * `attributes` (one source's values) are written in the same transaction.
   */
  async create(input: NewUser, audit?: AuditInput, attributes?: SourceValues): Promise<UserRecord> {
    const record = newUserRecord(input);
    const items: TransactItem[] = [
      { Put: { TableName: this.table, Item: userProfileItem(record), ConditionExpression: 'attribute_not_exists(pk)' } },
      ...createIndexItems(this.table, record),
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
      new GetCommand({ TableName: this.table, Key: { pk: identityKeys.user(iamid, userid), sk: identityKeys.profile }, ConsistentRead: consistent }),
    );
    return res.Item ? toUserRecord(res.Item) : undefined;
  }

  /** A transaction item holding only while the user is still the identity `u` (see `identityCheck`). */
  identityCheck(u: UserRecord, options: { active?: boolean } = {}): TransactItem {
    return identityCheck(this.db, u, options);
  }

  private partition(iamid: string, userid: string): Promise<Array<Record<string, unknown>>> {
    return queryAll(this.db, { TableName: this.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': identityKeys.user(iamid, userid) } });
  }

  /** Profile, attribute values and memberships in one query, or undefined. */
  async get(iamid: string, userid: string): Promise<UserAggregate | undefined> {
    return assembleUser(await this.partition(iamid, userid));
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
      { Put: { TableName: this.table, Item: userProfileItem(next), ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': current.version } } },
      ...updateIndexItems(this.table, current, next),
      ...(attributes ? this.attributeItems(current.iamid, current.userid, attributes.source, attributeChanges(attributes.before, attributes.values)) : []),
      ...(audit ? [this.audit.put(audit)] : []),
    ];
    await transact(this.db, items, (i) =>
      i === 0
        ? new VersionMismatchError(`user \`${current.userid}\` was changed concurrently`)
        : new ConflictError(`userName \`${next.userName}\` is already taken`),
    );
    return next;
  }

  /**
   * Replaces the values one source holds for the given keys (empty values remove the key),
   * conditional on the user existing; more keys than one transaction holds are written in parts.
   */
  async setAttributes(iamid: string, userid: string, source: Source, values: Attributes, audit?: AuditInput): Promise<void> {
    const check = { ConditionCheck: { TableName: this.table, Key: { pk: identityKeys.user(iamid, userid), sk: identityKeys.profile }, ConditionExpression: 'attribute_exists(pk)' } };
    const units = this.attributeItems(iamid, userid, source, values).map((item) => [item]);
    await transactInChunks(this.db, { check, units, ...(audit ? { first: this.audit.put(audit) } : {}) }, () => new NotFoundError(`user \`${userid}\` not found in iam \`${iamid}\``));
  }

  /** Makes one source's attribute values exactly `values`: keys it no longer sends are removed. */
  async replaceSourceAttributes(aggregate: UserAggregate, source: Source, values: Attributes, audit?: AuditInput): Promise<boolean> {
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
    const pk = identityKeys.user(iamid, userid);
    const items = await this.partition(iamid, userid);
    const profile = items.find((i) => i.sk === identityKeys.profile);
    if (!profile) return false;
    const extra = items.filter((i) => i.sk !== identityKeys.profile).map((i) => ({ pk: i.pk, sk: i.sk }));
    const apiKeys = await apiKeysOfUser(this.db, iamid, userid);
    const owned = [...indexKeys(toUserRecord(profile)), ...apiKeys.flatMap((k) => identityKeys.apiKeyItems(k.hash, k.keyId))];
    // What does not fit beside the profile and the audit record goes first, in batches.
    const room = MAX_TRANSACTION_ITEMS - 10;
    await batchDelete(this.db, this.table, [...extra, ...owned.slice(room)]);
    const keyIds = apiKeys.map((k) => k.keyId);
    const recorded = audit && keyIds.length ? { ...audit, payload: { ...audit.payload, apiKeysDeleted: keyIds } } : audit;
    await transact(this.db, [
      { Delete: { TableName: this.table, Key: { pk, sk: identityKeys.profile } } },
      ...owned.slice(0, room).map((Key) => ({ Delete: { TableName: this.table, Key } })),
      ...(recorded ? [this.audit.put(recorded)] : []),
    ]);
    return true;
  }

  /** The userid holding a SCIM userName (case-insensitive), if any. */
  async useridByUserName(iamid: string, userName: string): Promise<string | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.table, Key: { pk: identityKeys.userName(iamid, userName), sk: identityKeys.marker } }));
    return res.Item?.userid as string | undefined;
  }

  /** Userids of SCIM users with this `externalId` (case-exact), in userid order. */
  async useridsByExternalId(iamid: string, externalId: string): Promise<string[]> {
    return this.lookupUserids(identityKeys.userExternalId(iamid, externalId));
  }

  /** Userids of SCIM users with this `displayName` (case-insensitive), in userid order. */
  async useridsByDisplayName(iamid: string, displayName: string): Promise<string[]> {
    return this.lookupUserids(identityKeys.userDisplayName(iamid, displayName));
  }

  private async lookupUserids(pk: string): Promise<string[]> {
    const items = await queryAll(this.db, { TableName: this.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } });
    return items.map((i) => i.userid as string);
  }

  /** The profile of a SCIM id, if any (index lookup). */
  async getByScimId(iamid: string, scimId: string): Promise<UserRecord | undefined> {
    const res = await this.db.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': identityKeys.scimUser(iamid, scimId) },
      }),
    );
    const item = res.Items?.[0];
    return item ? toUserRecord(item) : undefined;
  }

  /** One page of an IAM's user profiles, ordered by userid. */
  async list(iamid: string, options: PageRequest = {}): Promise<{ users: UserRecord[]; cursor: string | null }> {
    const page = await partitionPage(this.db, { table: this.table, index: 'gsi2', pk: identityKeys.usersOfIam(iamid) }, options, toUserRecord);
    return { users: page.items, cursor: page.cursor };
  }
}
