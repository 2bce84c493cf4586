import { BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { AuditId } from '#shared/audit/record.ts';
import type { Services } from '#shared/services.ts';
import { StoreUnavailableError } from '#shared/store/errors.ts';
import { answerRawCalls } from '../../support/raw-wire.ts';
import { auditRecords, testServices } from '../../support/services.ts';

let s: Services;
beforeAll(async () => {
  s = await testServices();
});

const record = (target: string) =>
  ({ actor: { type: 'service', id: 'engine' }, userId: 'okta/jdoe' as AuditId, action: 'DECISION', actionStatus: 'SUCCESS', targetType: 'dataSource', targets: [target], payload: {} }) as const;

/** Counts the BatchWriteItem calls the real client sends while `run` runs. */
async function batchWritesDuring(run: () => Promise<unknown>): Promise<number> {
  const send = vi.spyOn(s.db.raw, 'send');
  try {
    await run();
    return send.mock.calls.filter(([command]) => command instanceof BatchWriteItemCommand).length;
  } finally {
    send.mockRestore();
  }
}

describe('audit group commit', () => {
  it('sends a lone record at once, with no batching window to wait for', async () => {
    const send = vi.spyOn(s.db.raw, 'send');
    const written = s.auditBatcher.write(record('lone'));
    // Sent before `write` returned: nothing waits on a timer.
    expect(send.mock.calls.some(([command]) => command instanceof BatchWriteItemCommand)).toBe(true);
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

  it('stores a record exactly as the document client would, read back through it', async () => {
    await s.auditBatcher.write({ ...record('exact'), requestId: 'r-exact', payload: { user: { iamid: 'okta', userid: 'jdoe' }, access: 'granted', satisfied: ['a', 'b'], count: 3, none: null, empty: '', flag: false } });
    const stored = (await auditRecords(s)).find((r) => (r.targets as string[])[0] === 'exact')!;
    expect(stored).toMatchObject({ action: 'DECISION', userId: 'okta/jdoe', requestId: 'r-exact', payload: { user: { iamid: 'okta', userid: 'jdoe' }, access: 'granted', satisfied: ['a', 'b'], count: 3, none: null, empty: '', flag: false } });
    expect(stored).toEqual(s.audit.item({ ...(stored as unknown as Parameters<typeof s.audit.item>[0]) }));
  });
});

/** The answer of a BatchWriteItem that stored none of what it was sent. */
const nothingProcessed = (body: Record<string, unknown>) => ({ status: 200, body: { UnprocessedItems: body.RequestItems } });

describe('audit records DynamoDB leaves unprocessed', () => {
  it('sends them again, and resolves once they are stored', async () => {
    let refused = 0;
    const restore = answerRawCalls(s.db, (body) => (refused++ < 2 ? nothingProcessed(body) : undefined));
    try {
      await s.auditBatcher.write(record('unprocessed-once'));
    } finally {
      restore();
    }
    expect(refused).toBe(3);
    expect((await auditRecords(s)).some((r) => (r.targets as string[])[0] === 'unprocessed-once')).toBe(true);
  });

  it('rejects a record still unwritten after every try, and resolves the others DynamoDB took', async () => {
    const restore = answerRawCalls(s.db, (body) => {
      const [put] = (body.RequestItems as Record<string, Array<{ PutRequest: { Item: { targets: { L: Array<{ S: string }> } } } }>>)[s.db.tables.audit]!.filter((p) => p.PutRequest.Item.targets.L[0]!.S === 'never-stored');
      return put ? { status: 200, body: { UnprocessedItems: { [s.db.tables.audit]: [put] } } } : undefined;
    });
    try {
      const lone = s.auditBatcher.write(record('opens-the-batch'));
      const [never, other] = await Promise.allSettled([s.auditBatcher.write(record('never-stored')), s.auditBatcher.write(record('stored-beside')), lone]);
      expect(never).toMatchObject({ status: 'rejected', reason: expect.any(StoreUnavailableError) });
      expect(other).toMatchObject({ status: 'fulfilled' });
    } finally {
      restore();
    }
    expect((await auditRecords(s)).some((r) => (r.targets as string[])[0] === 'never-stored')).toBe(false);
  });
});
