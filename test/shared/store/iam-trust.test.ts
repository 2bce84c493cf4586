import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditInput } from '#shared/audit/record.ts';
import type { Services } from '#shared/services.ts';
import { VersionMismatchError } from '#shared/store/errors.ts';
import { isTrustedIam, readIamTrust, trustedIams } from '#shared/store/iam-trust.ts';
import { readSnapshotVersion } from '#shared/store/snapshot-changes.ts';
import { auditRecords, testServices } from '../../support/services.ts';

let s: Services;
const audit = (iamid: string): AuditInput => ({ actor: { type: 'service', id: 'test' }, action: 'UPDATE', actionStatus: 'SUCCESS', targetType: 'iam', targets: [iamid], payload: {} });

beforeAll(async () => {
  s = await testServices();
  for (const id of ['okta', 'partner']) await s.iams.create({ id, name: id, scim: { enabled: false } });
});

describe('IAM trust for policy matching', () => {
  it('trusts the default IAM and no other until marked', async () => {
    const marks = await readIamTrust(s.db);
    expect(trustedIams(marks, 'bim')).toEqual(['bim']);
    expect(await s.iams.trustedForPolicies('okta', 'bim')).toBe(false);
    expect(await s.iams.trustedForPolicies('bim', 'bim')).toBe(true);
  });

  it('marks an IAM with the IAM update, a snapshot version bump and the audit record, in one transaction', async () => {
    const v0 = await readSnapshotVersion(s.db);
    const okta = (await s.iams.get('okta'))!;
    const next = await s.iams.update(okta, {}, audit('okta'), true);
    expect(next.version).toBe(okta.version + 1);
    expect(await readSnapshotVersion(s.db)).toBe(v0 + 1);
    expect(trustedIams(await readIamTrust(s.db), 'bim')).toEqual(['bim', 'okta']);
    expect((await auditRecords(s)).filter((r) => r.targetType === 'iam' && (r.targets as string[])[0] === 'okta')).toHaveLength(1);
    // An update without `trustedForPolicies` changes neither the marks nor the snapshot version.
    await s.iams.update(next, { name: 'Okta' }, audit('okta'));
    expect(await readSnapshotVersion(s.db)).toBe(v0 + 1);
    expect(await s.iams.trustedForPolicies('okta', 'bim')).toBe(true);
  });

  it('unmarks, the default IAM too, and lets a mark win over the default', async () => {
    const okta = (await s.iams.get('okta'))!;
    await s.iams.update(okta, {}, audit('okta'), false);
    await s.iams.create({ id: 'bim', name: 'Built-in', scim: { enabled: false } });
    await s.iams.update((await s.iams.get('bim'))!, {}, audit('bim'), false);
    const marks = await readIamTrust(s.db);
    expect(trustedIams(marks, 'bim')).toEqual([]);
    expect(isTrustedIam(marks, 'bim', 'bim')).toBe(false);
    await s.iams.update((await s.iams.get('bim'))!, {}, audit('bim'), true);
    expect(trustedIams(await readIamTrust(s.db), 'bim')).toEqual(['bim']);
  });

  it('changes nothing when the IAM was changed concurrently', async () => {
    const stale = (await s.iams.get('partner'))!;
    await s.iams.update(stale, { name: 'Partner' }, audit('partner'));
    const v = await readSnapshotVersion(s.db);
    const records = (await auditRecords(s)).length;
    await expect(s.iams.update(stale, {}, audit('partner'), true)).rejects.toBeInstanceOf(VersionMismatchError);
    expect(await s.iams.trustedForPolicies('partner', 'bim')).toBe(false);
    expect(await readSnapshotVersion(s.db)).toBe(v);
    expect((await auditRecords(s)).length).toBe(records);
  });
});
