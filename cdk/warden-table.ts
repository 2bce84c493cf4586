import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ARTIFACT_PARTITION, SNAPSHOT_PARTITION, type TableDefinition, type TableName } from '#shared/store/tables.ts';

/**
 * What a function may do with a table. `append` and `readAppend` are for the audit trail: new
 * records only, never an update or a delete of an existing one. `readUpdateSnapshot`: reads, and
 * `UpdateItem` on the items of the snapshot partition only (`SNAPSHOT_PARTITION`).
 * `readWriteArtifact`: reads, and writes to the snapshot artifact's partitions only.
 */
export type TableAccess = 'read' | 'readWrite' | 'append' | 'readAppend' | 'readUpdateSnapshot' | 'readWriteArtifact';

const READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:ConditionCheckItem',
];
const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

/** What one workload may do with each table it uses; a table it does not name, it cannot touch. */
export type TableGrants = Readonly<Partial<Record<TableName, TableAccess>>>;

export interface WardenTableProps {
  /** Keys, indexes and TTL, from `shared/store/tables.ts`. */
  readonly definition: TableDefinition;
  /**
   * What happens to the table when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** One Warden table built from its definition: on-demand, PITR, encrypted, retained. */
export class WardenTable extends Construct {
  readonly table: Table;
  readonly definition: TableDefinition;

  constructor(scope: Construct, id: string, props: WardenTableProps) {
    super(scope, id);
    const def = props.definition;
    this.definition = def;
    this.table = new Table(this, 'Table', {
      partitionKey: { name: def.partitionKey, type: AttributeType.STRING },
      sortKey: { name: def.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      ...(def.ttlAttribute ? { timeToLiveAttribute: def.ttlAttribute } : {}),
      ...(def.keysStream ? { stream: StreamViewType.KEYS_ONLY } : {}),
    });
    for (const ix of def.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: ix.name,
        partitionKey: { name: ix.partitionKey, type: AttributeType.STRING },
        sortKey: { name: ix.sortKey, type: AttributeType.STRING },
      });
    }
  }

  /**
   * Grants exactly the actions of `access`: reads on the table and each named index, writes on
   * the table. Unlike `Table.grant*` it lists index ARNs instead of `index/*`.
   */
  grantAccess(grantee: IGrantable, access: TableAccess): Grant {
    const tableArn = this.table.tableArn;
    const append = (): Grant =>
      Grant.addToPrincipal({ grantee, actions: ['dynamodb:PutItem'], resourceArns: [tableArn] });
    if (access === 'append') return append();
    const indexArns = this.definition.indexes.map((ix) => `${tableArn}/index/${ix.name}`);
    const reads = Grant.addToPrincipal({ grantee, actions: READ_ACTIONS, resourceArns: [tableArn, ...indexArns] });
    if (access === 'read') return reads;
    if (access === 'readAppend') return reads.combine(append());
    if (access === 'readUpdateSnapshot') {
      const conditions = { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [SNAPSHOT_PARTITION] } };
      return reads.combine(Grant.addToPrincipal({ grantee, actions: ['dynamodb:UpdateItem'], resourceArns: [tableArn], conditions }));
    }
    if (access === 'readWriteArtifact') {
      const conditions = { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [ARTIFACT_PARTITION, `${ARTIFACT_PARTITION}#*`] } };
      const actions = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'];
      return reads.combine(Grant.addToPrincipal({ grantee, actions, resourceArns: [tableArn], conditions }));
    }
    return reads.combine(Grant.addToPrincipal({ grantee, actions: WRITE_ACTIONS, resourceArns: [tableArn] }));
  }
}

/** Grants `grantee` exactly `grants` on the tables of the data stack (functions and the query engine alike). */
export function grantTables(grantee: IGrantable, tables: Readonly<Record<TableName, WardenTable>>, grants: TableGrants): void {
  for (const [name, access] of Object.entries(grants) as [TableName, TableAccess][]) {
    tables[name].grantAccess(grantee, access);
  }
}
