import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditInput } from '#shared/audit/record.ts';
import type { DataSourceInput } from '#shared/model/catalog.ts';
import { parsePolicyDocument } from '#shared/policy/index.ts';
import type { Services } from '#shared/services.ts';
import { VersionMismatchError } from '#shared/store/errors.ts';
import { policyKeys } from '#shared/store/key-formats.ts';
import { CHANGE_RETENTION_SECONDS, MAX_CHANGES_READ, readChanges, readSnapshotVersion } from '#shared/store/snapshot-changes.ts';
import { TABLES } from '#shared/store/tables.ts';
import { testServices } from '../../support/services.ts';

let s: Services;
const audit = (id: string): AuditInput => ({ actor: { type: 'service', id: 'test' }, action: 'UPDATE', actionStatus: 'SUCCESS', targetType: 'dataSource', targets: [id], payload: {} });
const input: DataSourceInput = { name: 'S', platform: 'trino', database: 'd', schema: 's', table: 't', owners: [], tags: ['X'], columns: [] };
const policy = (key: string) => parsePolicyDocument({ policyKey: key, type: 'subscription', actions: { type: 'entitlements', entitlements: { groups: ['G'] } } });

beforeAll(async () => {
  s = await testServices();
  await s.iams.create({ id: 'okta', name: 'okta', scim: { enabled: false } });
});

describe('snapshot change records', () => {
  it('records what each change did under the version it moved to', async () => {
    const v0 = await readSnapshotVersion(s.db);
    await s.catalog.putSource('a', input, undefined, audit('a'));
    await s.catalog.putDomain('d', { name: 'D', tags: [] }, undefined, audit('d'));
    await s.policies.put(policy('p'), () => audit('p'));
    await s.policies.delete('p', audit('p'));
    await s.catalog.deleteSource('a', audit('a'));
    await s.iams.update((await s.iams.get('okta'))!, {}, audit('okta'), true);
    expect(await readSnapshotVersion(s.db)).toBe(v0 + 6);
    expect(await readChanges(s.db, v0, v0 + 6)).toEqual([
      { kind: 'source', id: 'a', op: 'put' },
      { kind: 'domain', id: 'd', op: 'put' },
      { kind: 'policy', id: 'p', op: 'put' },
      { kind: 'policy', id: 'p', op: 'delete' },
      { kind: 'source', id: 'a', op: 'delete' },
      { kind: 'trust', id: 'okta', op: 'put' },
    ]);
    expect(await readChanges(s.db, v0 + 4, v0 + 6)).toEqual([
      { kind: 'source', id: 'a', op: 'delete' },
      { kind: 'trust', id: 'okta', op: 'put' },
    ]);
  });

  it('gives each record an expiry a day ahead, on the TTL attribute of the policies table', async () => {
    const v = await readSnapshotVersion(s.db);
    const res = await s.db.doc.send(new GetCommand({ TableName: s.db.tables.policies, Key: policyKeys.change(v), ConsistentRead: true }));
    const purge = res.Item?.[TABLES.policies.ttlAttribute!] as number;
    expect(Math.abs(purge - (Date.now() / 1000 + CHANGE_RETENTION_SECONDS))).toBeLessThan(60);
  });

  it('gives concurrent changes distinct versions, each with its record, none refused', async () => {
    const v0 = await readSnapshotVersion(s.db);
    const ids = Array.from({ length: 50 }, (_, i) => `c${i}`);
    await Promise.all(ids.map((id) => s.catalog.putSource(id, input, undefined, audit(id))));
    // A number is given up when its transaction loses to another on a shared item (the tag's counter).
    const after = await readSnapshotVersion(s.db);
    expect(after).toBeGreaterThanOrEqual(v0 + ids.length);
    const changes = await readChanges(s.db, v0, after);
    expect(changes!.map((c) => c.id).sort()).toEqual([...ids].sort());
  });

  it('moves no version for a refused change, and no reader sees it', async () => {
    const first = await s.catalog.putSource('r', input, undefined, audit('r'));
    await s.catalog.putSource('r', { ...input, name: 'S2' }, first, audit('r'));
    const v = await readSnapshotVersion(s.db);
    await expect(s.catalog.putSource('r', input, first, audit('r'))).rejects.toBeInstanceOf(VersionMismatchError);
    expect(await readSnapshotVersion(s.db)).toBe(v);
    await s.catalog.putSource('r2', input, undefined, audit('r2'));
    const after = await readSnapshotVersion(s.db);
    expect(await readChanges(s.db, v, after)).toEqual([{ kind: 'source', id: 'r2', op: 'put' }]);
  });

  it('answers undefined (reload in full) when a record expired or too many changes passed', async () => {
    await s.catalog.putSource('e1', input, undefined, audit('e1'));
    const v1 = await readSnapshotVersion(s.db);
    await s.catalog.putSource('e2', input, undefined, audit('e2'));
    const v2 = await readSnapshotVersion(s.db);
    await s.db.doc.send(new DeleteCommand({ TableName: s.db.tables.policies, Key: policyKeys.change(v1) }));
    expect(await readChanges(s.db, v1 - 1, v2)).toBeUndefined();
    expect(await readChanges(s.db, v1, v2)).toEqual([{ kind: 'source', id: 'e2', op: 'put' }]);
    expect(await readChanges(s.db, 0, MAX_CHANGES_READ + 1)).toBeUndefined();
    expect(await readChanges(s.db, v2, v2)).toEqual([]);
  });

  it('numbers the first change of a table written before numbers were reserved after its version', async () => {
    await s.catalog.putSource('m1', input, undefined, audit('m1'));
    const v = await readSnapshotVersion(s.db);
    await s.db.doc.send(new UpdateCommand({ TableName: s.db.tables.policies, Key: policyKeys.snapshot, UpdateExpression: 'REMOVE seq' }));
    await s.catalog.putSource('m2', input, undefined, audit('m2'));
    expect(await readSnapshotVersion(s.db)).toBe(v + 1);
    expect(await readChanges(s.db, v, v + 1)).toEqual([{ kind: 'source', id: 'm2', op: 'put' }]);
  });
});
