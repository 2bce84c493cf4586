import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditInput } from '#shared/audit/record.ts';
import type { Attributes, Source } from '#shared/model/identity.ts';
import type { SourceAttributes } from './attributes.ts';
import type { AuditRepository } from './audit.ts';
import { batchGetAll } from './batch.ts';
import type { Db } from './client.ts';
import { ConflictError, VersionMismatchError } from './errors.ts';
import { withoutKeys } from './item.ts';
import { identityKeys } from './key-formats.ts';
import type { MembershipRepository, MemberPage } from './memberships.ts';
import { partitionPage, queryAll, type PageRequest } from './pages.ts';
import { AuditedRepository } from './repository.ts';
import { tombstoneItem } from './group-deletion.ts';
import { emptyAttributesItem, groupAttributesKey, partitionAttributes, setGroupAttributes } from './group-attributes.ts';
import { readScimDocument, scimDocument } from './scim.ts';
import { nowIso, transact, type TransactItem } from './transact.ts';

/** A group's profile item. Groups are named per IAM; the id is stable across renames. */
export interface GroupRecord {
  readonly iamid: string;
  readonly id: string;
  readonly displayName: string;
  readonly externalId?: string;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly scim?: Record<string, unknown>;
}

/** A group with its attribute values per source. */
export interface GroupAggregate {
  readonly profile: GroupRecord;
  readonly attributes: SourceAttributes;
}

function toRecord(item: Record<string, unknown>): GroupRecord {
  const record = withoutKeys<GroupRecord>(item);
  const scim = readScimDocument(item.scim);
  return scim ? { ...record, scim } : record;
}

/** Groups, their attributes and memberships (one item per member, never a list). */
export class GroupRepository extends AuditedRepository {
  protected readonly tableName = 'identities';

  constructor(
    db: Db,
    audit: AuditRepository,
    private readonly members: MembershipRepository,
  ) {
    super(db, audit);
  }

  private profileItem(g: GroupRecord): Record<string, unknown> {
    return { pk: identityKeys.group(g.iamid, g.id), sk: identityKeys.profile, gsi2pk: identityKeys.groupsOfIam(g.iamid), gsi2sk: g.id, ...g, ...(g.scim ? { scim: scimDocument(g.scim) } : {}) };
  }

  private nameMarker(g: Pick<GroupRecord, 'iamid' | 'id' | 'displayName'>): Record<string, unknown> {
    return { pk: identityKeys.groupName(g.iamid, g.displayName), sk: identityKeys.marker, groupId: g.id };
  }

  /** The non-unique `externalId` lookup item of a group, so SCIM `externalId eq` never scans. */
  private externalIdItem(g: Pick<GroupRecord, 'iamid' | 'id' | 'externalId'>): { pk: string; sk: string; groupId: string } | undefined {
    return g.externalId ? { pk: identityKeys.groupExternalId(g.iamid, g.externalId), sk: identityKeys.lookup(g.id), groupId: g.id } : undefined;
  }

  /** Creates a group; a displayName already used in the IAM (case-insensitively) is a `ConflictError`. */
  async create(
    input: Pick<GroupRecord, 'iamid' | 'displayName'> & Partial<Pick<GroupRecord, 'id' | 'externalId' | 'scim'>>,
    audit?: AuditInput,
  ): Promise<GroupRecord> {
    const now = nowIso();
    const record: GroupRecord = { id: randomUUID(), ...input, version: 1, createdAt: now, updatedAt: now };
    await transact(
      this.db,
      [
        { Put: { TableName: this.table, Item: this.profileItem(record), ConditionExpression: 'attribute_not_exists(pk)' } },
        { Put: { TableName: this.table, Item: this.nameMarker(record), ConditionExpression: 'attribute_not_exists(pk)' } },
        { Put: { TableName: this.table, Item: emptyAttributesItem(record.iamid, record.id) } },
        // A deleted group's id stays taken until its memberships are purged: none is inherited.
        { ConditionCheck: { TableName: this.table, Key: { pk: identityKeys.group(record.iamid, record.id), sk: identityKeys.groupDeleted }, ConditionExpression: 'attribute_not_exists(pk)' } },
        ...optional(this.externalIdItem(record)).map((Item) => ({ Put: { TableName: this.table, Item } })),
        ...(audit ? [this.audit.put(audit)] : []),
      ],
      (i) =>
        i === 3
          ? new ConflictError(`group \`${record.id}\` was deleted and its memberships are still being removed`)
          : new ConflictError(`group \`${input.displayName}\` already exists in iam \`${input.iamid}\``),
    );
    return record;
  }

  /** Profile and attribute values, or undefined. */
  async get(iamid: string, id: string): Promise<GroupAggregate | undefined> {
    return assembleGroup(await queryAll(this.db, { TableName: this.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': identityKeys.group(iamid, id) } }));
  }

  /**
   * The groups of `ids` that exist, in the order of `ids`, each profile and attributes item
   * read in BatchGetItems of 100 keys, 50 groups a call: what a user's view costs does not grow
   * one request per group. Only a group still holding one item per attribute key is queried.
   */
  async getMany(iamid: string, ids: readonly string[]): Promise<GroupAggregate[]> {
    const unique = [...new Set(ids)];
    const keys = unique.flatMap((id) => [{ pk: identityKeys.group(iamid, id), sk: identityKeys.profile }, groupAttributesKey(iamid, id)]);
    const byPk = new Map<string, Array<Record<string, unknown>>>();
    for (const item of await batchGetAll(this.db, this.table, keys)) {
      const list = byPk.get(item.pk as string);
      if (list) list.push(item);
      else byPk.set(item.pk as string, [item]);
    }
    const groups = await Promise.all(
      unique.map((id) => {
        const items = byPk.get(identityKeys.group(iamid, id));
        if (!items?.some((i) => i.sk === identityKeys.profile)) return undefined;
        return items.some((i) => i.sk === identityKeys.groupAttributes) ? assembleGroup(items) : this.get(iamid, id);
      }),
    );
    return groups.filter((g): g is GroupAggregate => g !== undefined);
  }

  /** The id of the group with this displayName (case-insensitive), if any. */
  async idByName(iamid: string, displayName: string): Promise<string | undefined> {
    const res = await this.db.doc.send(
      new GetCommand({ TableName: this.table, Key: { pk: identityKeys.groupName(iamid, displayName), sk: identityKeys.marker } }),
    );
    return res.Item?.groupId as string | undefined;
  }

  /** The group named `displayName`, created (as a manual group) if it does not exist yet. */
  async getOrCreateByName(iamid: string, displayName: string, audit?: AuditInput): Promise<GroupRecord> {
    const existing = await this.idByName(iamid, displayName);
    if (existing) {
      const g = await this.get(iamid, existing);
      if (g) return g.profile;
    }
    try {
      return await this.create({ iamid, displayName }, audit);
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      const id = await this.idByName(iamid, displayName);
      const g = id ? await this.get(iamid, id) : undefined;
      if (!g) throw err;
      return g.profile;
    }
  }

  /** Ids of the groups with this `externalId` (case-exact). */
  async idsByExternalId(iamid: string, externalId: string): Promise<string[]> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': identityKeys.groupExternalId(iamid, externalId) },
    });
    return items.map((i) => i.groupId as string);
  }

  /** Renames or changes a group, conditional on its version. */
  async update(
    current: GroupRecord,
    changes: Partial<Pick<GroupRecord, 'displayName' | 'externalId' | 'scim'>>,
    audit?: AuditInput,
  ): Promise<GroupRecord> {
    const next: GroupRecord = { ...current, ...changes, version: current.version + 1, updatedAt: nowIso() };
    const items: TransactItem[] = [{ Put: { TableName: this.table, Item: this.profileItem(next), ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': current.version } } }];
    if (next.displayName.toLowerCase() !== current.displayName.toLowerCase()) {
      items.push({ Put: { TableName: this.table, Item: this.nameMarker(next), ConditionExpression: 'attribute_not_exists(pk)' } });
      const old = this.nameMarker(current);
      items.push({ Delete: { TableName: this.table, Key: { pk: old.pk, sk: old.sk } } });
    }
    if (next.externalId !== current.externalId) {
      for (const l of optional(this.externalIdItem(current))) items.push({ Delete: { TableName: this.table, Key: { pk: l.pk, sk: l.sk } } });
      for (const Item of optional(this.externalIdItem(next))) items.push({ Put: { TableName: this.table, Item } });
    }
    if (audit) items.push(this.audit.put(audit));
    await transact(this.db, items, (i) =>
      i === 0
        ? new VersionMismatchError(`group \`${current.id}\` was changed concurrently`)
        : new ConflictError(`group \`${next.displayName}\` already exists in iam \`${current.iamid}\``),
    );
    return next;
  }

  /**
   * Deletes the group in one transaction, whatever its size: its profile, markers and attributes
   * go and its tombstone is written (from then on no view, decision or member read sees it);
   * its memberships are removed after, by `purgeDeletedGroups` (see `group-deletion.ts`).
   */
  async delete(iamid: string, id: string, audit?: AuditInput): Promise<boolean> {
    const group = await this.get(iamid, id);
    if (!group) return false;
    const pk = identityKeys.group(iamid, id);
    const marker = this.nameMarker(group.profile);
    await transact(this.db, [
      { Delete: { TableName: this.table, Key: { pk, sk: identityKeys.profile } } },
      { Delete: { TableName: this.table, Key: { pk: marker.pk, sk: marker.sk } } },
      { Delete: { TableName: this.table, Key: groupAttributesKey(iamid, id) } },
      ...optional(this.externalIdItem(group.profile)).map((l) => ({ Delete: { TableName: this.table, Key: { pk: l.pk, sk: l.sk } } })),
      { Put: { TableName: this.table, Item: tombstoneItem({ iamid, groupId: id, deletedAt: nowIso() }) } },
      ...(audit ? [this.audit.put(audit)] : []),
    ]);
    return true;
  }

  /** Adds members (see `MembershipRepository.add`); an unknown user or group is a `NotFoundError`. */
  addMembers(iamid: string, groupId: string, userids: readonly string[], source: Source, audit?: AuditInput): Promise<void> {
    return this.members.add(iamid, groupId, userids, source, audit);
  }

  /** Removes members that one source added (other sources' memberships stay). */
  removeMembers(iamid: string, groupId: string, userids: readonly string[], source: Source, audit?: AuditInput): Promise<void> {
    return this.members.remove(iamid, groupId, userids, source, audit);
  }

  /** One page of a group's members (userids with the sources that added them). */
  listMembers(iamid: string, groupId: string, options: { limit?: number; cursor?: string | null; source?: Source } = {}): Promise<MemberPage> {
    return this.members.list(iamid, groupId, options);
  }

  /** Replaces one source's values for the given keys of a group's attributes (see `setGroupAttributes`). */
  setAttributes(iamid: string, groupId: string, source: Source, values: Attributes, audit?: AuditInput): Promise<void> {
    return setGroupAttributes(this.db, iamid, groupId, source, values, audit ? this.audit.put(audit) : undefined);
  }

  /** One page of an IAM's groups, ordered by id. */
  async list(iamid: string, options: PageRequest = {}): Promise<{ groups: GroupRecord[]; cursor: string | null }> {
    const page = await partitionPage(this.db, { table: this.table, index: 'gsi2', pk: identityKeys.groupsOfIam(iamid) }, options, toRecord);
    return { groups: page.items, cursor: page.cursor };
  }
}

function optional<T>(value: T | undefined): T[] {
  return value === undefined ? [] : [value];
}

/** Builds a group aggregate from the items of its partition. */
export function assembleGroup(items: Array<Record<string, unknown>>): GroupAggregate | undefined {
  const profile = items.find((i) => i.sk === identityKeys.profile);
  return profile ? { profile: toRecord(profile), attributes: partitionAttributes(items) } : undefined;
}
