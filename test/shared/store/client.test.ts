import { BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Services } from '#shared/services.ts';
import { testServices } from '../../support/services.ts';

let services: Services;
beforeAll(async () => {
  services = await testServices();
});

describe('the store client', () => {
  it('walks no call’s input or output to build an SDK log line nothing writes', async () => {
    const { db } = services;
    let filtered = 0;
    const count = (data: unknown) => {
      filtered++;
      return data;
    };
    // Stands in for the SDK's sensitive-data filters of the call being sent, counting their use.
    db.doc.middlewareStack.add(
      (next, context) => (args) => {
        Object.assign(context, { inputFilterSensitiveLog: count, outputFilterSensitiveLog: count });
        return next(args);
      },
      { step: 'initialize', name: 'countLogFilters' },
    );
    try {
      const items = Array.from({ length: 25 }, (_, i) => ({ PutRequest: { Item: { pk: 'client-test', sk: String(i), payload: 'x'.repeat(1000) } } }));
      await db.doc.send(new BatchWriteCommand({ RequestItems: { [db.tables.audit]: items } }));
      const read = await db.doc.send(new GetCommand({ TableName: db.tables.audit, Key: { pk: 'client-test', sk: '7' } }));
      expect(read.Item?.payload).toHaveLength(1000);
      expect(filtered).toBe(0);
    } finally {
      db.doc.middlewareStack.remove('countLogFilters');
    }
  });

  it('resolves the raw client’s middleware once, not on every audit write', async () => {
    const { db } = services;
    const resolved = vi.spyOn(BatchWriteItemCommand.prototype, 'resolveMiddleware');
    try {
      for (const i of [1, 2, 3]) {
        await db.raw.send(new BatchWriteItemCommand({ RequestItems: { [db.tables.audit]: [{ PutRequest: { Item: { pk: { S: 'client-raw' }, sk: { S: String(i) } } } }] } }));
      }
      expect(resolved.mock.calls.length).toBeLessThanOrEqual(1);
    } finally {
      resolved.mockRestore();
    }
    const read = await db.doc.send(new GetCommand({ TableName: db.tables.audit, Key: { pk: 'client-raw', sk: '3' } }));
    expect(read.Item).toEqual({ pk: 'client-raw', sk: '3' });
  });
});
