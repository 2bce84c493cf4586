import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditInput } from '#shared/audit/record.ts';
import type { PolicyDocument } from '#shared/model/policy.ts';
import { parsePolicyDocument } from '#shared/policy/index.ts';
import type { Services } from '#shared/services.ts';
import { NotFoundError } from '#shared/store/errors.ts';
import { PolicyRepository } from '#shared/store/policies.ts';
import { readSnapshotVersion } from '#shared/store/snapshot-changes.ts';
import { testServices } from '../../support/services.ts';

let s: Services;
let repo: PolicyRepository;
const audit = (): AuditInput => ({ actor: { type: 'service', id: 'test' }, action: 'UPDATE', actionStatus: 'SUCCESS', targetType: 'policy', targets: [], payload: {} });
const doc = (key: string, group: string): PolicyDocument =>
  parsePolicyDocument({ policyKey: key, type: 'subscription', actions: { type: 'entitlements', entitlements: { groups: [group] } } });

beforeAll(async () => {
  s = await testServices();
  repo = new PolicyRepository(s.db, s.audit);
});

describe('policy repository', () => {
  it('keeps the first createdAt, bumps the version and keeps every version in the history', async () => {
    const first = await repo.put(doc('p', 'A'), audit);
    expect(first.created).toBe(true);
    await new Promise((r) => setTimeout(r, 5));
    const second = await repo.put(doc('p', 'B'), audit);
    expect(second.created).toBe(false);
    expect(second.stored.version).toBe(2);
    expect(second.stored.createdAt).toBe(first.stored.createdAt);
    expect(second.stored.updatedAt > first.stored.updatedAt).toBe(true);
    const history = await repo.history('p');
    expect(history.map((h) => [h.version, (h.document as { actions: { entitlements: { groups: string[] } } }).actions.entitlements.groups[0]])).toEqual([
      [1, 'A'],
      [2, 'B'],
    ]);
  });

  it('deletes the current version, keeps the history, and numbers a re-creation after it', async () => {
    const v = await readSnapshotVersion(s.db);
    await repo.delete('p', audit());
    expect(await readSnapshotVersion(s.db)).toBe(v + 1);
    expect(await repo.get('p')).toBeUndefined();
    await expect(repo.delete('p', audit())).rejects.toBeInstanceOf(NotFoundError);
    const again = await repo.put(doc('p', 'C'), audit);
    expect(again).toMatchObject({ created: true, stored: { version: 3 } });
    expect((await repo.history('p')).length).toBe(3);
    expect((await repo.list()).map((p) => p.document.policyKey)).toEqual(['p']);
  });
});
