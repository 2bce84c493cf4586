import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import { CHANGE_PREFIX, SNAPSHOT_PARTITION } from '#shared/store/tables.ts';
import { ENTRIES } from './bundling.ts';
import { WardenFunction } from './warden-function.ts';
import type { WardenTable } from './warden-table.ts';

export interface SnapshotArtifactFunctionProps {
  /** The policies table: its stream carries the change records, its artifact partitions are written. */
  readonly policies: WardenTable;
  /** Environment variables (table names, log level). */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * How long the stream gathers change records before an invocation: one build for a burst.
   * @default Duration.seconds(5)
   */
  readonly batchingWindow?: Duration;
  /**
   * How often the builder also runs without a change (a run that finds the artifact current reads two items).
   * @default Duration.minutes(10)
   */
  readonly every?: Duration;
}

/**
 * The builder of the snapshot artifact, invoked by the policies table's stream filtered to the
 * change records (`pk = SNAPSHOT`, sk beginning `CHANGE#`), so no other write invokes it, and on
 * a schedule: without one, a store deployed over (no artifact yet, or one of a format this
 * version no longer reads) and a stream batch dropped after its retries would wait for the next
 * catalog or policy change, while every cold instance scans the store.
 */
export class SnapshotArtifactFunction extends Construct {
  readonly function: WardenFunction;

  constructor(scope: Construct, id: string, props: SnapshotArtifactFunctionProps) {
    super(scope, id);
    this.function = new WardenFunction(this, 'Fn', {
      entry: ENTRIES.snapshotArtifact,
      description: 'Warden builder of the snapshot artifact (cold starts read it instead of the catalog)',
      // A full build holds the whole catalog's JSON; memory also buys the CPU that compresses it.
      memorySize: 2048,
      timeout: Duration.minutes(5),
      environment: { ...props.environment, POWERTOOLS_SERVICE_NAME: 'warden-snapshot-artifact' },
    });
    this.function.fn.addEventSource(
      new DynamoEventSource(props.policies.table, {
        startingPosition: StartingPosition.LATEST,
        batchSize: 1000,
        maxBatchingWindow: props.batchingWindow ?? Duration.seconds(5),
        // A build reads every change since the artifact's version: a failed batch is made good by the next.
        retryAttempts: 2,
        filters: [FilterCriteria.filter({ dynamodb: { Keys: { pk: { S: FilterRule.isEqual(SNAPSHOT_PARTITION) }, sk: { S: FilterRule.beginsWith(CHANGE_PREFIX) } } } })],
      }),
    );
    new Rule(this, 'Schedule', {
      description: 'runs the Warden snapshot artifact builder without a change: a first or new-format artifact, a dropped stream batch',
      schedule: Schedule.rate(props.every ?? Duration.minutes(10)),
      // Builds are safe side by side and the next run supersedes a failed one: no retries.
      targets: [new LambdaFunction(this.function.fn, { retryAttempts: 0 })],
    });
  }
}
