import { randomUUID } from 'node:crypto';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditInput } from '#shared/audit/record.ts';
import type { AuditWriter } from '#shared/audit/writer.ts';
import { dict } from '#shared/model/dict.ts';
import type { Attributes, Source } from '#shared/model/identity.ts';
import type { Db } from './client.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { ConflictError, NotFoundError, VersionMismatchError } from './errors.ts';
import { keys } from './keys.ts';
import { batchDelete, nowIso, queryAll, transact, type TransactItem } from './transact.ts';
import { withoutKeys } from './item.ts';
import { readScimDocument, scimDocument } from './scim.ts';

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
  readonly attributes: Partial<Record<Source, Attributes>>;
}

function toRecord(item: Record<string, unknown>): GroupRecord {
  const record = withoutKeys<GroupRecord>(item);
  const scim = readScimDocument(item.scim);
  return scim ? { ...record, scim } : record;
}

/** Groups, their attributes and memberships (one item per member, never a list). */
export class GroupRepository {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditWriter,
  ) {}

  private get table(): string {
    return this.db.tables.identities;
  }

  private profileItem(g: GroupRecord): Record<string, unknown> {
    return { pk: keys.group(g.iamid, g.id), sk: keys.profile, gsi2pk: keys.groupsOfIam(g.iamid), gsi2sk: g.id, ...g, ...(g.scim ? { scim: scimDocument(g.scim) } : {}) };
  }

  private nameMarker(g: Pick<GroupRecord, 'iamid' | 'id' | 'displayName'>): Record<string, unknown> {
    return { pk: keys.groupName(g.iamid, g.displayName), sk: keys.marker, groupId: g.id };
  }

  /** The non-unique `externalId` lookup item of a group, so SCIM `externalId eq` never scans. */
  private externalIdItem(g: Pick<GroupRecord, 'iamid' | 'id' | 'externalId'>): { pk: string; sk: string; groupId: string } | undefined {
    return g.externalId ? { pk: keys.groupExternalId(g.iamid, g.externalId), sk: keys.lookup(g.id), groupId: g.id } : undefined;
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
        ...optional(this.externalIdItem(record)).map((Item) => ({ Put: { TableName: this.table, Item } })),
        ...(audit ? [this.audit.put(audit)] : []),
      ],
      () => new ConflictError(`group \`${input.displayName}\` already exists in iam \`${input.iamid}\``),
    );
    return record;
  }

  /** Profile and attribute values, or undefined. */
  async get(iamid: string, id: string): Promise<GroupAggregate | undefined> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.group(iamid, id) },
    });
    return assembleGroup(items);
  }

  /** The id of the group with this displayName (case-insensitive), if any. */
  async idByName(iamid: string, displayName: string): Promise<string | undefined> {
    const res = await this.db.doc.send(
      new GetCommand({ TableName: this.table, Key: { pk: keys.groupName(iamid, displayName), sk: keys.marker } }),
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
      ExpressionAttributeValues: { ':pk': keys.groupExternalId(iamid, externalId) },
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
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.table,
          Item: this.profileItem(next),
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':v': current.version },
        },
      },
    ];
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

  /** Deletes the group, its attributes, its memberships and its name marker. */
  async delete(iamid: string, id: string, audit?: AuditInput): Promise<boolean> {
    const group = await this.get(iamid, id);
    if (!group) return false;
    const own = await queryAll(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.group(iamid, id) },
      ProjectionExpression: 'pk, sk',
    });
    const memberships = await queryAll(this.db, {
      TableName: this.table,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.group(iamid, id) },
      ProjectionExpression: 'pk, sk',
    });
    await batchDelete(this.db, this.table, [...memberships, ...own.filter((i) => i.sk !== keys.profile)]);
    const marker = this.nameMarker(group.profile);
    await transact(this.db, [
      { Delete: { TableName: this.table, Key: { pk: keys.group(iamid, id), sk: keys.profile } } },
      { Delete: { TableName: this.table, Key: { pk: marker.pk, sk: marker.sk } } },
      ...optional(this.externalIdItem(group.profile)).map((l) => ({ Delete: { TableName: this.table, Key: { pk: l.pk, sk: l.sk } } })),
      ...(audit ? [this.audit.put(audit)] : []),
    ]);
    return true;
  }

  /**
   * Adds members: one item per (user, group, source), each conditional on the user and the
   * group existing. Costs the same for a group of 10 or 100,000 members.
   */
  async addMembers(iamid: string, groupId: string, userids: readonly string[], source: Source, audit?: AuditInput): Promise<void> {
    const groupCheck: TransactItem = {
      ConditionCheck: { TableName: this.table, Key: { pk: keys.group(iamid, groupId), sk: keys.profile }, ConditionExpression: 'attribute_exists(pk)' },
    };
    const unique = [...new Set(userids)];
    // Each member needs two items (user check + membership); 49 members + group check + audit fit in one transaction.
    for (let i = 0; i < Math.max(unique.length, 1); i += 49) {
      const batch = unique.slice(i, i + 49);
      const items: TransactItem[] = [groupCheck];
      for (const userid of batch) {
        items.push({
          ConditionCheck: { TableName: this.table, Key: { pk: keys.user(iamid, userid), sk: keys.profile }, ConditionExpression: 'attribute_exists(pk)' },
        });
        items.push({ Put: { TableName: this.table, Item: this.membershipItem(iamid, groupId, userid, source) } });
      }
      if (audit && i === 0) items.push(this.audit.put(audit));
      await transact(this.db, items, (index) => {
        if (index <= 0) return new NotFoundError(`group \`${groupId}\` not found`);
        const userid = batch[Math.floor((index - 1) / 2)];
        return new NotFoundError(`user \`${userid}\` not found in iam \`${iamid}\``);
      });
    }
  }

  private membershipItem(iamid: string, groupId: string, userid: string, source: Source): Record<string, unknown> {
    return {
      pk: keys.user(iamid, userid),
      sk: keys.member(groupId, source),
      gsi1pk: keys.group(iamid, groupId),
      gsi1sk: keys.memberOf(userid, source),
      iamid,
      userid,
      groupId,
      source,
    };
  }

  /** Removes members that one source added (other sources' memberships stay). */
  async removeMembers(iamid: string, groupId: string, userids: readonly string[], source: Source, audit?: AuditInput): Promise<void> {
    const unique = [...new Set(userids)];
    for (let i = 0; i < unique.length; i += 98) {
      const items: TransactItem[] = unique.slice(i, i + 98).map((userid) => ({
        Delete: { TableName: this.table, Key: { pk: keys.user(iamid, userid), sk: keys.member(groupId, source) } },
      }));
      if (audit && i === 0) items.push(this.audit.put(audit));
      await transact(this.db, items);
    }
    if (!unique.length && audit) await this.audit.write(audit);
  }

  /** One page of a group's members (userids with the sources that added them). */
  async listMembers(
    iamid: string,
    groupId: string,
    options: { limit?: number; cursor?: string | null; source?: Source } = {},
  ): Promise<{ members: Array<{ userid: string; source: Source }>; cursor: string | null }> {
    const res = await this.db.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.group(iamid, groupId), ...(options.source ? { ':s': options.source } : {}) },
        ...(options.source ? { FilterExpression: '#s = :s', ExpressionAttributeNames: { '#s': 'source' } } : {}),
        Limit: options.limit ?? 1000,
        ExclusiveStartKey: decodeCursor(options.cursor),
      }),
    );
    const members = (res.Items ?? []).map((i) => ({ userid: i.userid as string, source: i.source as Source }));
    return { members, cursor: encodeCursor(res.LastEvaluatedKey) };
  }

  /** Replaces one source's values for the given keys of a group's attributes. */
  async setAttributes(iamid: string, groupId: string, source: Source, values: Attributes, audit?: AuditInput): Promise<void> {
    const pk = keys.group(iamid, groupId);
    const items: TransactItem[] = [
      { ConditionCheck: { TableName: this.table, Key: { pk, sk: keys.profile }, ConditionExpression: 'attribute_exists(pk)' } },
    ];
    for (const [key, vals] of Object.entries(values)) {
      const sk = keys.attr(source, key);
      const unique = [...new Set(vals)];
      items.push(
        unique.length
          ? { Put: { TableName: this.table, Item: { pk, sk, source, key, values: unique } } }
          : { Delete: { TableName: this.table, Key: { pk, sk } } },
      );
    }
    if (audit) items.push(this.audit.put(audit));
    await transact(this.db, items, () => new NotFoundError(`group \`${groupId}\` not found in iam \`${iamid}\``));
  }

  /** One page of an IAM's groups, ordered by id. */
  async list(iamid: string, options: { limit?: number; cursor?: string | null } = {}): Promise<{ groups: GroupRecord[]; cursor: string | null }> {
    const res = await this.db.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.groupsOfIam(iamid) },
        Limit: options.limit ?? 100,
        ExclusiveStartKey: decodeCursor(options.cursor),
      }),
    );
    return { groups: (res.Items ?? []).map(toRecord), cursor: encodeCursor(res.LastEvaluatedKey) };
  }
}

function optional<T>(value: T | undefined): T[] {
  return value === undefined ? [] : [value];
}

/** Builds a group aggregate from the items of its partition. */
export function assembleGroup(items: Array<Record<string, unknown>>): GroupAggregate | undefined {
  const profile = items.find((i) => i.sk === keys.profile);
  if (!profile) return undefined;
  const attributes: Partial<Record<Source, Attributes>> = {};
  for (const item of items) {
    if ((item.sk as string).startsWith(keys.attrPrefix)) {
      (attributes[item.source as Source] ??= dict())[item.key as string] = item.values as string[];
    }
  }
  return { profile: toRecord(profile), attributes };
}
