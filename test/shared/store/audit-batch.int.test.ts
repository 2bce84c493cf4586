import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { AuditId } from '#shared/audit/record.ts';
import type { Services } from '#shared/services.ts';
import { auditRecords, testServices } from '../../support/services.ts';

let s: Services;
beforeAll(async () => {
  s = await testServices();
});

const record = (target: string) =>
  ({ actor: { type: 'service', id: 'engine' }, userId: 'okta/jdoe' as AuditId, action: 'DECISION', actionStatus: 'SUCCESS', targetType: 'dataSource', targets: [target], payload: {} }) as const;

/** Counts the BatchWriteItem calls the real client sends while `run` runs. */
async function batchWritesDuring(run: () => Promise<unknown>): Promise<number> {
  const send = vi.spyOn(s.db.doc, 'send');
  try {
    await run();
    return send.mock.calls.filter(([command]) => command instanceof BatchWriteCommand).length;
  } finally {
    send.mockRestore();
  }
}

describe('audit group commit', () => {
  it('sends a lone record at once, with no batching window to wait for', async () => {
    const send = vi.spyOn(s.db.doc, 'send');
    const written = s.auditBatcher.write(record('lone'));
    // Sent before `write` returned: nothing waits on a timer.
    expect(send.mock.calls.some(([command]) => command instanceof BatchWriteCommand)).toBe(true);
    send.mockRestore();
    await written;
    expect((await auditRecords(s)).some((r) => (r.targets as string[])[0] === 'lone')).toBe(true);
  });

  it('groups the records that arrive while a write is in flight, and stores every one before it resolves', async () => {
    const targets = Array.from({ length: 31 }, (_, i) => `group-${i}`);
    const calls = await batchWritesDuring(() => Promise.all(targets.map((t) => s.auditBatcher.write(record(t)))));
    // The first alone, then 25 together as soon as they wait, then the last 5 when a write lands.
    expect(calls).toBe(3);
    const stored = new Set((await auditRecords(s)).map((r) => (r.targets as string[])[0]));
    expect(targets.every((t) => stored.has(t))).toBe(true);
  });
});
