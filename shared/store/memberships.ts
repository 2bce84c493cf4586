import type { AuditInput } from '#shared/audit/record.ts';
import type { Source } from '#shared/model/identity.ts';
import { MemberNotFoundError, NotFoundError } from './errors.ts';
import { identityKeys } from './key-formats.ts';
import { queryPage } from './pages.ts';
import { transactInChunks, type TransactItem } from './transact.ts';
import { AuditedRepository } from './repository.ts';

/** One page of a group's members: userids with the source that added each. */
export interface MemberPage {
  readonly members: Array<{ userid: string; source: Source }>;
  readonly cursor: string | null;
}

/** The item of one membership: in the user's partition, keyed for the group's side of gsi1. */
export function membershipItem(iamid: string, groupId: string, userid: string, source: Source): Record<string, unknown> {
  return {
    pk: identityKeys.user(iamid, userid),
    sk: identityKeys.member(groupId, source),
    gsi1pk: identityKeys.group(iamid, groupId),
    gsi1sk: identityKeys.memberOf(userid, source),
    iamid,
    userid,
    groupId,
    source,
  };
}

/**
 * Memberships, one item per (user, group, source) in the user's partition, listed by the
 * group's side of gsi1: adding or removing a member costs the same at any group size.
 */
export class MembershipRepository extends AuditedRepository {
  protected readonly tableName = 'identities';

  /** Adds members, each conditional on the user existing (else `MemberNotFoundError`), every part on the group existing. */
  async add(iamid: string, groupId: string, userids: readonly string[], source: Source, audit?: AuditInput): Promise<void> {
    const check = { ConditionCheck: { TableName: this.table, Key: { pk: identityKeys.group(iamid, groupId), sk: identityKeys.profile }, ConditionExpression: 'attribute_exists(pk)' } };
    const unique = [...new Set(userids)];
    const units: TransactItem[][] = unique.map((userid) => [
      { ConditionCheck: { TableName: this.table, Key: { pk: identityKeys.user(iamid, userid), sk: identityKeys.profile }, ConditionExpression: 'attribute_exists(pk)' } },
      { Put: { TableName: this.table, Item: membershipItem(iamid, groupId, userid, source) } },
    ]);
    await transactInChunks(this.db, { check, units, ...(audit ? { first: this.audit.put(audit) } : {}) }, (failed) =>
      'unit' in failed
        ? new MemberNotFoundError(`user \`${unique[failed.unit]}\` not found in iam \`${iamid}\``)
        : new NotFoundError(`group \`${groupId}\` not found`),
    );
  }

  /** Removes members that one source added (other sources' memberships stay). */
  async remove(iamid: string, groupId: string, userids: readonly string[], source: Source, audit?: AuditInput): Promise<void> {
    const units = [...new Set(userids)].map((userid): TransactItem[] => [
      { Delete: { TableName: this.table, Key: { pk: identityKeys.user(iamid, userid), sk: identityKeys.member(groupId, source) } } },
    ]);
    await transactInChunks(this.db, { units, ...(audit ? { first: this.audit.put(audit) } : {}) });
  }

  /** One page of a group's members (userids with the sources that added them). */
  async list(iamid: string, groupId: string, options: { limit?: number; cursor?: string | null; source?: Source } = {}): Promise<MemberPage> {
    const page = await queryPage(
      this.db,
      {
        TableName: this.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': identityKeys.group(iamid, groupId), ...(options.source ? { ':s': options.source } : {}) },
        ...(options.source ? { FilterExpression: '#s = :s', ExpressionAttributeNames: { '#s': 'source' } } : {}),
        Limit: options.limit ?? 1000,
      },
      options.cursor,
      (i) => ({ userid: i.userid as string, source: i.source as Source }),
    );
    return { members: page.items, cursor: page.cursor };
  }
}
