import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLES, TABLE_NAMES } from '#shared/store/tables.ts';
import { synthWarden, type WardenApp } from './synth.ts';

let warden: WardenApp;
beforeAll(() => {
  warden = synthWarden();
});

/** The CloudFormation resource of the named table. */
function tableResource(name: (typeof TABLE_NAMES)[number]): Record<string, any> {
  const logicalId = warden.data.getLogicalId(warden.data.tables[name].table.node.defaultChild as never);
  // Template JSON is untyped by nature; the assertions below check its shape.
  return warden.dataTemplate.toJSON().Resources[logicalId];
}

describe('data stack', () => {
  it('holds exactly the five tables of tables.ts', () => {
    warden.dataTemplate.resourceCountIs('AWS::DynamoDB::Table', TABLE_NAMES.length);
    expect(TABLE_NAMES).toHaveLength(5);
  });

  it.each(TABLE_NAMES)('%s: on-demand, PITR, encrypted, retained, generated name', (name) => {
    const table = tableResource(name);
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
    expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true });
    expect(table.Properties.TableName).toBeUndefined();
  });

  it.each(TABLE_NAMES)('%s: keys, indexes and TTL exactly as defined', (name) => {
    const def = TABLES[name];
    const props = tableResource(name).Properties;
    expect(props.KeySchema).toEqual([
      { AttributeName: def.partitionKey, KeyType: 'HASH' },
      { AttributeName: def.sortKey, KeyType: 'RANGE' },
    ]);
    const indexes = (props.GlobalSecondaryIndexes ?? []) as Record<string, unknown>[];
    expect(indexes).toEqual(
      def.indexes.map((ix) => ({
        IndexName: ix.name,
        KeySchema: [
          { AttributeName: ix.partitionKey, KeyType: 'HASH' },
          { AttributeName: ix.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    );
    if (def.ttlAttribute) {
      expect(props.TimeToLiveSpecification).toEqual({ AttributeName: def.ttlAttribute, Enabled: true });
    } else {
      expect(props.TimeToLiveSpecification).toBeUndefined();
    }
  });

  it('expires sessions and audit records, nothing else', () => {
    warden.dataTemplate.resourcePropertiesCountIs(
      'AWS::DynamoDB::Table',
      { TimeToLiveSpecification: Match.objectLike({ AttributeName: 'expiresAt', Enabled: true }) },
      2,
    );
  });
});
