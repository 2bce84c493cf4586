import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditInput } from '#shared/audit/record.ts';
import type { AuditRepository } from './audit.ts';
import type { Db } from './client.ts';
import { ConflictError, VersionMismatchError } from './errors.ts';
import { isTrustedIam, markIamTrust, readIamTrust } from './iam-trust.ts';
import { identityKeys } from './key-formats.ts';
import { batchGetAll } from './batch.ts';
import { queryAll, scanAll } from './pages.ts';
import { transactChange } from './snapshot-changes.ts';
import { nowIso, transact, type TransactItem } from './transact.ts';
import { withoutKeys } from './item.ts';

/** Where user info for an IAM's users is fetched from (Immuta's external endpoint shape). */
export interface ExternalSource {
  readonly uri: string;
  readonly auth: { readonly type: 'none' } | { readonly type: 'basic'; readonly username: string; readonly password: string };
  readonly ttlSeconds: number;
}

/** An identity provider. */
export interface IamRecord {
  readonly id: string;
  readonly name: string;
  readonly scim: {
    readonly enabled: boolean;
    readonly tokenHash?: string;
    readonly attributeMappings?: ReadonlyArray<{ readonly from: string; readonly to: string }>;
  };
  readonly externalSource?: ExternalSource;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

const toRecord = (item: Record<string, unknown>): IamRecord => withoutKeys<IamRecord>(item);

/** Identity providers (IAMs). */
export class IamRepository {
  /** Whether this instance has seen every IAM's listing entry in place (see `listStoredBeforeEntries`). */
  private listed = false;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditRepository,
  ) {}

  /** Creates an IAM; an existing id is a `ConflictError`. */
  async create(input: Omit<IamRecord, 'version' | 'createdAt' | 'updatedAt'>, audit?: AuditInput): Promise<IamRecord> {
    const now = nowIso();
    const record: IamRecord = { ...input, version: 1, createdAt: now, updatedAt: now };
    await transact(
      this.db,
      [
        { Put: { TableName: this.db.tables.identities, Item: { pk: identityKeys.iam(input.id), sk: identityKeys.profile, ...record }, ConditionExpression: 'attribute_not_exists(pk)' } },
        { Put: { TableName: this.db.tables.identities, Item: this.listEntry(input.id) } },
        ...(record.scim.tokenHash ? [{ Put: { TableName: this.db.tables.identities, Item: this.tokenMarker(record.id, record.scim.tokenHash) } }] : []),
        ...(audit ? [this.audit.put(audit)] : []),
      ],
      () => new ConflictError(`iam \`${input.id}\` already exists`),
    );
    return record;
  }

  private listEntry(iamid: string): Record<string, unknown> {
    return { pk: identityKeys.allIams, sk: iamid };
  }

  private tokenMarker(iamid: string, tokenHash: string): Record<string, unknown> {
    return { pk: identityKeys.scimToken(tokenHash), sk: identityKeys.marker, iamid, tokenHash };
  }

  /** The IAM whose SCIM token has this hash, or undefined. */
  async getByScimTokenHash(tokenHash: string): Promise<IamRecord | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tables.identities, Key: { pk: identityKeys.scimToken(tokenHash), sk: identityKeys.marker } }));
    if (!res.Item) return undefined;
    const iam = await this.get(res.Item.iamid as string);
    // The marker may outlive a rotation for an instant; the IAM item is the authority.
    return iam?.scim.enabled && iam.scim.tokenHash === tokenHash ? iam : undefined;
  }

  /** The IAM, or undefined. */
  async get(id: string): Promise<IamRecord | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tables.identities, Key: { pk: identityKeys.iam(id), sk: identityKeys.profile } }));
    return res.Item ? toRecord(res.Item) : undefined;
  }

  /** Whether policies trust the IAM's groups and attributes (see `iam-trust.ts`). */
  async trustedForPolicies(iamid: string, defaultIam: string): Promise<boolean> {
    return isTrustedIam(await readIamTrust(this.db), iamid, defaultIam);
  }

  /**
   * Replaces an IAM if its version is unchanged. With `trustedForPolicies`, the IAM is marked
   * trusted or not for policy matching in the same transaction, with a snapshot version bump,
   * so every decision after the refresh interval sees the change.
   */
  async update(
    current: IamRecord,
    changes: Partial<Pick<IamRecord, 'name' | 'scim' | 'externalSource'>>,
    audit?: AuditInput,
    trustedForPolicies?: boolean,
  ): Promise<IamRecord> {
    const next: IamRecord = { ...current, ...changes, version: current.version + 1, updatedAt: nowIso() };
    const oldHash = current.scim.tokenHash;
    const newHash = next.scim.tokenHash;
    const tokenItems =
      oldHash === newHash
        ? []
        : [
            ...(oldHash ? [{ Delete: { TableName: this.db.tables.identities, Key: { pk: identityKeys.scimToken(oldHash), sk: identityKeys.marker } } }] : []),
            ...(newHash ? [{ Put: { TableName: this.db.tables.identities, Item: this.tokenMarker(current.id, newHash) } }] : []),
          ];
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.db.tables.identities,
          Item: { pk: identityKeys.iam(current.id), sk: identityKeys.profile, ...next },
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':v': current.version },
        },
      },
      ...tokenItems,
      ...(trustedForPolicies === undefined ? [] : [markIamTrust(this.db, current.id, trustedForPolicies)]),
      ...(audit ? [this.audit.put(audit)] : []),
    ];
    const refusal = () => new VersionMismatchError(`iam \`${current.id}\` was changed concurrently`);
    // Only a trust change reaches decisions, so only it moves the snapshot version.
    if (trustedForPolicies === undefined) await transact(this.db, items, refusal);
    else await transactChange(this.db, { kind: 'trust', id: current.id, op: 'put' }, items, refusal);
    return next;
  }

  /** Creates or overwrites an IAM without a version check (bootstrap of the local runtime). */
  async put(record: Omit<IamRecord, 'version' | 'createdAt' | 'updatedAt'>): Promise<void> {
    const now = nowIso();
    await this.db.doc.send(
      new PutCommand({ TableName: this.db.tables.identities, Item: { pk: identityKeys.iam(record.id), sk: identityKeys.profile, ...record, version: 1, createdAt: now, updatedAt: now } }),
    );
    await this.db.doc.send(new PutCommand({ TableName: this.db.tables.identities, Item: this.listEntry(record.id) }));
    if (record.scim.tokenHash) {
      await this.db.doc.send(new PutCommand({ TableName: this.db.tables.identities, Item: this.tokenMarker(record.id, record.scim.tokenHash) }));
    }
  }

  /** Every IAM, in id order: one Query of their entries and a batch read, never a scan of the users' table. */
  async list(): Promise<IamRecord[]> {
    if (!this.listed) await this.listStoredBeforeEntries();
    const TableName = this.db.tables.identities;
    const entries = await queryAll(this.db, { TableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': identityKeys.allIams }, ConsistentRead: true });
    const keys = entries.map((e) => ({ pk: identityKeys.iam(String(e.sk)), sk: identityKeys.profile }));
    const byId = new Map((await batchGetAll(this.db, TableName, keys, { ConsistentRead: true })).map((i) => [String(i.id), toRecord(i)]));
    return entries.flatMap((e) => byId.get(String(e.sk)) ?? []);
  }

  /**
   * Writes the entry of every IAM stored before IAMs had one, once for the table (a marker says
   * so): the only scan, of a table kept from an earlier version. Entries are idempotent, so a
   * concurrent create or a second instance doing the same is harmless.
   */
  private async listStoredBeforeEntries(): Promise<void> {
    const TableName = this.db.tables.identities;
    const done = await this.db.doc.send(new GetCommand({ TableName, Key: identityKeys.iamsListed, ConsistentRead: true }));
    if (!done.Item) {
      const items = await scanAll(this.db, {
        TableName,
        FilterExpression: 'begins_with(pk, :p) AND sk = :sk',
        ExpressionAttributeValues: { ':p': identityKeys.iamPrefix, ':sk': identityKeys.profile },
        ConsistentRead: true,
      });
      for (const item of items) await this.db.doc.send(new PutCommand({ TableName, Item: this.listEntry(String(item.id)) }));
      await this.db.doc.send(new PutCommand({ TableName, Item: { ...identityKeys.iamsListed } }));
    }
    this.listed = true;
  }
}
