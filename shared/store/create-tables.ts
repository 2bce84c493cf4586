import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { Db } from './client.ts';
import { TABLES, TABLE_NAMES, keyAttributes, type IndexDefinition, type TableDefinition } from './tables.ts';

const indexInput = (ix: IndexDefinition) => ({
  IndexName: ix.name,
  KeySchema: [
    { AttributeName: ix.partitionKey, KeyType: 'HASH' as const },
    { AttributeName: ix.sortKey, KeyType: 'RANGE' as const },
  ],
  Projection: { ProjectionType: 'ALL' as const },
});

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
          GlobalSecondaryIndexes: def.indexes.map(indexInput),
        }
      : {}),
  };
}

/** Adds the indexes `tables.ts` defines that a table kept from an earlier version (`--data-dir`) lacks. */
async function addMissingIndexes(db: Db, def: TableDefinition, physical: string): Promise<void> {
  const { Table } = await db.doc.send(new DescribeTableCommand({ TableName: physical }));
  const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((ix) => ix.IndexName));
  for (const ix of def.indexes.filter((i) => !present.has(i.name))) {
    await db.doc.send(
      new UpdateTableCommand({
        TableName: physical,
        AttributeDefinitions: [ix.partitionKey, ix.sortKey].map((a) => ({ AttributeName: a, AttributeType: 'S' })),
        GlobalSecondaryIndexUpdates: [{ Create: indexInput(ix) }],
      }),
    );
  }
}

/** Creates every table of `tables.ts` that does not exist yet, and the indexes one lacks (the local runtime and tests). */
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
      await addMissingIndexes(db, def, physical);
    }),
  );
}
