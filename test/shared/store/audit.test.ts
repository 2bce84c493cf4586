import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditId } from '#shared/audit/record.ts';
import type { Services } from '#shared/services.ts';
import { auditKeys } from '#shared/store/key-formats.ts';
import { auditRecords, testServices } from '../../support/services.ts';

let s: Services;
beforeAll(async () => {
  s = await testServices();
});

const base = { actor: { type: 'service', id: 'bi-tool' }, action: 'IMPERSONATE', actionStatus: 'FAILURE', targetType: 'impersonationSession', payload: {} } as const;

describe('audit writer', () => {
  it('stores a record whose userId is too long for a DynamoDB key, keeping the full value in the record', async () => {
    const userId = `okta/${'é'.repeat(3000)}` as AuditId;
    await s.audit.write({ ...base, userId, targets: ['long-1'] });
    const stored = (await auditRecords(s)).find((r) => (r.targets as string[])[0] === 'long-1');
    expect(stored?.userId).toBe(userId);
    expect(Buffer.byteLength(String(stored?.gsi1pk), 'utf8')).toBeLessThanOrEqual(2048);
  });

  it('stores a record written inside a transaction with an over-long action and user', async () => {
    const { transact } = await import('#shared/store/transact.ts');
    await transact(s.db, [s.audit.put({ ...base, action: 'A'.repeat(5000), userId: `okta/${'\u{1F600}'.repeat(2000)}` as AuditId, targets: ['long-2'] })]);
    const stored = (await auditRecords(s)).find((r) => (r.targets as string[])[0] === 'long-2');
    expect(stored?.action).toBe('A'.repeat(5000));
    expect(String(stored?.gsi2pk).startsWith('AUDITACTION#AAAA')).toBe(true);
    // A bounded key is a prefix of the full one cut between characters, never inside a surrogate pair.
    const head = String(stored?.gsi1pk).split('~')[0]!;
    expect(Buffer.from(head, 'utf8').toString('utf8')).toBe(head);
    expect(`AUDITUSER#${'\u{1F600}'.repeat(2000)}`.startsWith(head)).toBe(true);
  });

  it('keeps short keys exactly as they were, so queries by user still match', async () => {
    await s.audit.write({ ...base, userId: 'okta/jdoe' as AuditId, targets: ['short'] });
    const stored = (await auditRecords(s)).find((r) => (r.targets as string[])[0] === 'short');
    const shard = String(auditKeys.shard(String(stored?.id))).padStart(2, '0');
    expect(stored).toMatchObject({ gsi1pk: 'AUDITUSER#jdoe', gsi2pk: `AUDITACTION#IMPERSONATE#${shard}` });
  });
});
