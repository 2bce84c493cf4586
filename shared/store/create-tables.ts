import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { Db } from './client.ts';
import { TABLES, TABLE_NAMES, keyAttributes, type TableDefinition } from './tables.ts';

function createInput(def: TableDefinition, physical: string): CreateTableCommandInput {
  return {
    TableName: physical,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: keyAttributes(def).map((a) => ({ AttributeName: a, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: def.partitionKey, KeyType: 'HASH' },
      { AttributeName: def.sortKey, KeyType: 'RANGE' },
    ],
    ...(def.indexes.length
      ? {
          GlobalSecondaryIndexes: def.indexes.map((ix) => ({
            IndexName: ix.name,
            KeySchema: [
              { AttributeName: ix.partitionKey, KeyType: 'HASH' },
              { AttributeName: ix.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          })),
        }
      : {}),
  };
}

/** Creates every table of `tables.ts` that does not exist yet (the local runtime and tests). */
export async function ensureTables(db: Db): Promise<void> {
  await Promise.all(
    TABLE_NAMES.map(async (name) => {
      const def = TABLES[name];
      const physical = db.tables[name];
      try {
        await db.doc.send(new CreateTableCommand(createInput(def, physical)));
        if (def.ttlAttribute) {
          await db.doc.send(
            new UpdateTimeToLiveCommand({
              TableName: physical,
              TimeToLiveSpecification: { AttributeName: def.ttlAttribute, Enabled: true },
            }),
          );
        }
      } catch (err) {
        if (!(err instanceof ResourceInUseException)) throw err;
      }
      await db.doc.send(new DescribeTableCommand({ TableName: physical }));
    }),
  );
}
