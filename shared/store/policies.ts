import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditInput } from '#shared/audit/record.ts';
import type { PolicyDocument, StoredPolicy } from '#shared/model/policy.ts';
import type { Db } from './client.ts';
import { NotFoundError, VersionMismatchError } from './errors.ts';
import { policyKeys } from './key-formats.ts';
import { batchGetAll } from './batch.ts';
import { readChanges, readSnapshotVersion, transactChange, type SnapshotChange } from './snapshot-changes.ts';
import { nowIso, type TransactItem } from './transact.ts';
import { queryAll } from './pages.ts';
import { AuditedRepository } from './repository.ts';

/**
 * Deletes an item that decisions read (a policy, a data source), bumping the snapshot version in
 * the same transaction with the record of `change` and the audit record. With `expectedVersion` (the caller sent `If-Match`)
 * only at that version: `VersionMismatchError` otherwise; `NotFoundError` when there is no such
 * item. `label` names the item in both (`data source \`hr_data\``); `index` holds the listing
 * index items the delete removes with it.
 */
export async function deleteDecisionInput(
  db: Db,
  at: { readonly TableName: string; readonly Key: Record<string, string> },
  change: SnapshotChange,
  label: string,
  audit: TransactItem,
  expectedVersion?: number,
  index: TransactItem[] = [],
): Promise<void> {
  const atVersion = expectedVersion === undefined ? {} : { ConditionExpression: 'attribute_exists(pk) AND version = :v', ExpressionAttributeValues: { ':v': expectedVersion } };
  const refusal = expectedVersion === undefined ? () => new NotFoundError(`${label} not found`) : () => new VersionMismatchError(`${label} was changed concurrently`);
  await transactChange(db, change, [{ Delete: { ...at, ConditionExpression: 'attribute_exists(pk)', ...atVersion } }, audit, ...index], refusal);
}

function toStored(item: Record<string, unknown>): StoredPolicy {
  return {
    document: JSON.parse(item.document as string) as PolicyDocument,
    version: item.version as number,
    createdAt: item.createdAt as string,
    updatedAt: item.updatedAt as string,
  };
}

/** Policy documents: one current item per key plus an immutable item per version. */
export class PolicyRepository extends AuditedRepository {
  protected readonly tableName = 'policies';

  /** The snapshot version (see `readSnapshotVersion`). */
  snapshotVersion(): Promise<number> {
    return readSnapshotVersion(this.db);
  }

  /** What each snapshot version after `after` up to `upTo` changed, or undefined (see `readChanges`). */
  changes(after: number, upTo: number): Promise<SnapshotChange[] | undefined> {
    return readChanges(this.db, after, upTo);
  }

  /** The current versions of the policies of these keys that exist, read strongly consistent in batches of 100. */
  async getMany(policyKeysToRead: readonly string[]): Promise<StoredPolicy[]> {
    const keys = policyKeysToRead.map((k) => ({ pk: policyKeys.policy(k), sk: policyKeys.current }));
    return (await batchGetAll(this.db, this.table, keys, { ConsistentRead: true })).map(toStored);
  }

  /** The current version of a policy, or undefined. */
  async get(policyKey: string): Promise<StoredPolicy | undefined> {
    const res = await this.db.doc.send(
      new GetCommand({ TableName: this.table, Key: { pk: policyKeys.policy(policyKey), sk: policyKeys.current }, ConsistentRead: true }),
    );
    return res.Item ? toStored(res.Item) : undefined;
  }

  /** Every current policy, ordered by key. */
  async list(): Promise<StoredPolicy[]> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': policyKeys.all },
    });
    return items.map(toStored);
  }

  /** Every stored version of a policy, oldest first (kept after a delete). */
  async history(policyKey: string): Promise<StoredPolicy[]> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :v)',
      ExpressionAttributeValues: { ':pk': policyKeys.policy(policyKey), ':v': policyKeys.historyPrefix },
    });
    return items.map(toStored);
  }

  private async lastVersion(policyKey: string): Promise<number> {
    const res = await this.db.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :v)',
        ExpressionAttributeValues: { ':pk': policyKeys.policy(policyKey), ':v': policyKeys.historyPrefix },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    return Number(res.Items?.[0]?.version ?? 0);
  }

  /** What an upsert of `document` over `current` would store (also used by dry runs). */
  static next(document: PolicyDocument, current: StoredPolicy | undefined, previousVersion = current?.version ?? 0, now = nowIso()): StoredPolicy {
    // The first version's createdAt is kept: it decides which policy wins a mask conflict.
    return { document, version: previousVersion + 1, createdAt: current?.createdAt ?? now, updatedAt: now };
  }

  /**
   * Creates or replaces a policy (version + 1, history item, snapshot bump and audit in one
   * transaction). A concurrent change of the same key, or a current version other than
   * `expectedVersion` when given (`null`: the policy must not exist), is a `VersionMismatchError`.
   */
  async put(
    document: PolicyDocument,
    audit: (stored: StoredPolicy, created: boolean) => AuditInput,
    expectedVersion?: number | null,
  ): Promise<{ stored: StoredPolicy; created: boolean }> {
    const key = document.policyKey;
    const current = await this.get(key);
    if (expectedVersion !== undefined && (current?.version ?? null) !== expectedVersion) {
      throw new VersionMismatchError(`policy \`${key}\` is at version ${current?.version ?? 'none'}, not ${expectedVersion}`);
    }
    const previous = current?.version ?? (await this.lastVersion(key));
    const stored = PolicyRepository.next(document, current, previous);
    const item = { document: JSON.stringify(document), version: stored.version, createdAt: stored.createdAt, updatedAt: stored.updatedAt, policyKey: key };
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.table,
          Item: { pk: policyKeys.policy(key), sk: policyKeys.current, gsi1pk: policyKeys.all, gsi1sk: key, ...item },
          ...(current
            ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': current.version } }
            : { ConditionExpression: 'attribute_not_exists(pk)' }),
        },
      },
      {
        Put: {
          TableName: this.table,
          Item: { pk: policyKeys.policy(key), sk: policyKeys.history(stored.version), ...item },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      this.audit.put(audit(stored, !current)),
    ];
    await transactChange(this.db, { kind: 'policy', id: key, op: 'put' }, items, () => new VersionMismatchError(`policy \`${key}\` was changed concurrently`));
    return { stored, created: !current };
  }

  /**
   * Deletes the current policy (its history stays); `NotFoundError` when there is none, or when
   * it is no longer at `expectedVersion` (given when the caller sent `If-Match`).
   */
  async delete(policyKey: string, audit: AuditInput, expectedVersion?: number): Promise<void> {
    const at = { TableName: this.table, Key: { pk: policyKeys.policy(policyKey), sk: policyKeys.current } };
    await deleteDecisionInput(this.db, at, { kind: 'policy', id: policyKey, op: 'delete' }, `policy \`${policyKey}\``, this.audit.put(audit), expectedVersion);
  }
}
