import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, inject } from 'vitest';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startLocalDynamo } from '#local/dynamo.ts';

const clientOf = (endpoint: string) => new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });

describe('dynamodb local', () => {
  it('answers on the endpoint the global setup provides', async () => {
    const client = clientOf(inject('dynamoEndpoint'));
    const out = await client.send(new ListTablesCommand({}));
    expect(Array.isArray(out.TableNames)).toBe(true);
    client.destroy();
  });

  it('keeps its tables in a data directory across restarts, creating the directory', async () => {
    const root = mkdtempSync(join(tmpdir(), 'warden-dynamo-'));
    const dataDir = join(root, 'not', 'yet');
    try {
      const first = await startLocalDynamo({ dataDir });
      const client = clientOf(first.endpoint);
      await client.send(
        new CreateTableCommand({
          TableName: 'kept',
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      client.destroy();
      await first.stop();
      const second = await startLocalDynamo({ dataDir });
      const again = clientOf(second.endpoint);
      expect((await again.send(new ListTablesCommand({}))).TableNames).toEqual(['kept']);
      again.destroy();
      await second.stop();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
