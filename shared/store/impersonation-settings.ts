import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditInput } from '#shared/audit/record.ts';
import type { ImpersonationSettings, StoredSettings } from '#shared/model/impersonation.ts';
import type { AuditRepository } from './audit.ts';
import type { Db } from './client.ts';
import { VersionMismatchError } from './errors.ts';
import { withoutKeys } from './item.ts';
import { sessionKeys } from './key-formats.ts';
import { nowIso, transact } from './transact.ts';

/** Minting reuses settings this long: a change reaches every warm instance within a second. */
const SETTINGS_CACHE_MS = 1000;

/** The impersonation settings item; absent, the deployment defaults apply. */
export class ImpersonationSettingsRepository {
  private cache: { value: Promise<StoredSettings>; until: number } | undefined;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditRepository,
    private readonly defaults: ImpersonationSettings,
    private readonly now: () => number = Date.now,
  ) {}

  /** The settings for minting: read at most once a second (this instance's own changes at once). */
  current(): Promise<StoredSettings> {
    const t = this.now();
    if (!this.cache || this.cache.until <= t) {
      const value = this.get();
      this.cache = { value, until: t + SETTINGS_CACHE_MS };
      value.catch(() => (this.cache = undefined));
    }
    return this.cache.value;
  }

  /** The settings in force: stored ones, else the defaults (version 0). */
  async get(): Promise<StoredSettings> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tables.sessions, Key: sessionKeys.settings, ConsistentRead: true }));
    return res.Item ? withoutKeys<StoredSettings>(res.Item) : { ...this.defaults, version: 0 };
  }

  /** Replaces the settings if they are still at `expectedVersion` (else `VersionMismatchError`). */
  async put(settings: ImpersonationSettings, expectedVersion: number, audit: AuditInput): Promise<StoredSettings> {
    const next: StoredSettings = { ...settings, version: expectedVersion + 1, updatedAt: nowIso() };
    await transact(
      this.db,
      [
        {
          Put: {
            TableName: this.db.tables.sessions,
            Item: { ...sessionKeys.settings, ...next },
            ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
            ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ':v': expectedVersion } }),
          },
        },
        this.audit.put(audit),
      ],
      () => new VersionMismatchError('impersonation settings were changed concurrently'),
    );
    this.cache = undefined;
    return next;
  }
}
