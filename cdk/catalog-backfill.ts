import { CustomResource, Duration, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import { Grant, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { LogLevel } from 'aws-cdk-lib/aws-stepfunctions';
import { Provider } from 'aws-cdk-lib/custom-resources';
import { Construct, type IConstruct } from 'constructs';
import { tableEnvVar } from '#shared/store/tables.ts';
import { ENTRIES } from './bundling.ts';
import { WardenFunction } from './warden-function.ts';
import type { WardenTable } from './warden-table.ts';

export interface CatalogBackfillProps {
  /** The catalog table whose listing index the backfill writes. */
  readonly catalog: WardenTable;
  /** The identities table whose groups the backfill gives their attributes item. */
  readonly identities: WardenTable;
  /**
   * How long a deploy waits for the whole catalog to be indexed.
   * @default Duration.hours(2), the provider framework's most
   */
  readonly totalTimeout?: Duration;
}

/**
 * Brings, on deploy, tables written by an earlier version up to this one: indexes a catalog
 * written before the listing index existed, then gives groups written before it their attributes
 * item. A custom resource whose function runs the same backfills as `npm start`, a slice per call
 * before its 15-minute timeout, called again by the provider framework until both are done.
 * Idempotent (a marker item per backfill ends it at once on every later deploy) and safe beside
 * live writes.
 */
export class CatalogBackfill extends Construct {
  readonly function: WardenFunction;
  readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: CatalogBackfillProps) {
    super(scope, id);
    const table = props.catalog.table;
    const identities = props.identities.table;
    this.function = new WardenFunction(this, 'Fn', {
      entry: ENTRIES.catalogBackfill,
      description: 'Warden deploy-time backfills: the catalog listing index, the groups\' attributes item',
      timeout: Duration.minutes(15),
      environment: { [tableEnvVar('catalog')]: table.tableName, [tableEnvVar('identities')]: identities.tableName, POWERTOOLS_SERVICE_NAME: 'warden-backfill' },
    });
    // What the backfill sends, on the catalog table alone: it reads sources and index entries and
    // writes index entries, counters (`ADD`) and its progress; it deletes nothing.
    Grant.addToPrincipal({
      grantee: this.function.fn,
      actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Scan', 'dynamodb:ConditionCheckItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      resourceArns: [table.tableArn],
    });
    // On the identities table: it scans for group profiles, reads a group's partition, and
    // replaces its per-key attribute items by one item (a transaction, then a batch of deletes).
    Grant.addToPrincipal({
      grantee: this.function.fn,
      actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Scan', 'dynamodb:Query', 'dynamodb:ConditionCheckItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
      resourceArns: [identities.tableArn],
    });
    // The framework's functions log to a group of their own with this role alone, instead of
    // AWSLambdaBasicExecutionRole's logs on every group.
    const logGroup = new LogGroup(this, 'ProviderLogs', { retention: RetentionDays.ONE_MONTH });
    // Two roles, as the framework's waiter needs: one shared by all three would depend on itself.
    const frameworkRole = (id: string, what: string): Role => {
      const role = new Role(this, id, { assumedBy: new ServicePrincipal('lambda.amazonaws.com'), description: `execution role of the listing backfill framework's ${what}` });
      logGroup.grantWrite(role);
      return role;
    };
    const provider = new Provider(this, 'Provider', {
      onEventHandler: this.function.fn,
      isCompleteHandler: this.function.fn,
      queryInterval: Duration.seconds(10),
      totalTimeout: props.totalTimeout ?? Duration.hours(2),
      frameworkOnEventRole: frameworkRole('OnEventRole', 'onEvent'),
      frameworkCompleteAndTimeoutRole: frameworkRole('WaiterRole', 'isComplete and onTimeout'),
      logGroup,
      disableWaiterStateMachineLogging: false,
      waiterStateMachineLogOptions: { destination: new LogGroup(this, 'WaiterLogs', { retention: RetentionDays.ONE_MONTH }), level: LogLevel.ALL },
    });
    this.acknowledgeFramework(provider);
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::CatalogIndexBackfill',
      // A new table (a restore) is backfilled again; the same table only once. A property added
      // here makes CloudFormation call the resource again on a stack deployed before it.
      properties: { CatalogTable: table.tableName, IdentitiesTable: identities.tableName },
    });
  }

  /** The findings of what the provider framework generates, each named with why it stands. */
  private acknowledgeFramework(provider: Provider): void {
    const arnOf = (fn: IConstruct) => `<${Stack.of(this).getLogicalId(fn.node.defaultChild as CfnElement)}.Arn>:*`;
    const invokes = (fn: IConstruct) => ({
      id: `AwsSolutions-IAM5[Resource::${arnOf(fn)}]`,
      reason: 'the provider framework grants lambda:InvokeFunction on the function and its versions (`:*`), which is how `grantInvoke` names one function',
    });
    for (const role of ['OnEventRole', 'WaiterRole']) Validations.of(this.node.findChild(role)).acknowledge(invokes(this.function.fn));
    const waiter = provider.node.findChild('waiter-state-machine');
    Validations.of(waiter).acknowledge(
      invokes(provider.node.findChild('framework-isComplete')),
      invokes(provider.node.findChild('framework-onTimeout')),
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'the waiter logs to CloudWatch Logs through log delivery, whose actions (logs:CreateLogDelivery …) support no resource-level permissions' },
      { id: 'AwsSolutions-SF2', reason: 'the waiter only calls isComplete until the backfill is done; the backfill function it invokes is X-Ray traced itself' },
    );
  }
}
