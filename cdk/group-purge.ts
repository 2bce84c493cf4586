import { Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ENTRIES } from './bundling.ts';
import { ScheduledFunction } from './scheduled-function.ts';
import type { WardenTable } from './warden-table.ts';

export interface GroupPurgeProps {
  /** The identities table: the tombstones of deleted groups and the memberships to remove. */
  readonly identities: WardenTable;
  /** Environment variables (table names, log level). */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * How often the sweep runs; a deleted group's id can be used again one sweep after its purge.
   * @default Duration.minutes(1)
   */
  readonly every?: Duration;
}

/**
 * Removes the memberships of deleted groups after the deletion answered (a SCIM DELETE is one
 * transaction, whatever the group's size): a scheduled function that lists the tombstones and
 * deletes each group's memberships in pages until just before its timeout. Runs are idempotent,
 * so one that fails or times out is made good by the next.
 */
export class GroupPurge extends Construct {
  readonly scheduled: ScheduledFunction;

  constructor(scope: Construct, id: string, props: GroupPurgeProps) {
    super(scope, id);
    this.scheduled = new ScheduledFunction(this, 'Sweep', {
      entry: ENTRIES.groupPurge,
      description: "Warden purge of deleted groups' memberships",
      // A minute's work a run, so runs rarely overlap (they may: each step is idempotent).
      timeout: Duration.seconds(60),
      every: props.every ?? Duration.minutes(1),
      environment: { ...props.environment, POWERTOOLS_SERVICE_NAME: 'warden-group-purge' },
    });
    props.identities.grantAccess(this.scheduled.function.fn, 'readWrite');
  }
}
