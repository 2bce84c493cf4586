import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { inject, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '#local/dynamo.ts';
import { createDb } from '#shared/store/client.ts';
import { ensureTables } from '#shared/store/create-tables.ts';
import { TABLES } from '#shared/store/tables.ts';

describe('ensureTables', () => {
  it('adds the indexes a table kept from an earlier version lacks (a `--data-dir` restart)', async () => {
    const db = createDb({ endpoint: inject('dynamoEndpoint'), region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, tablePrefix: `t${randomUUID().slice(0, 8)}_` });
    // The sessions table as the first version created it: no index.
    await db.doc.send(
      new CreateTableCommand({
        TableName: db.tables.sessions,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      }),
    );
    await ensureTables(db);
    await ensureTables(db);
    const { Table } = await db.doc.send(new DescribeTableCommand({ TableName: db.tables.sessions }));
    expect((Table?.GlobalSecondaryIndexes ?? []).map((ix) => ix.IndexName).sort()).toEqual(TABLES.sessions.indexes.map((ix) => ix.name));
  });
});
