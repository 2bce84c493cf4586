import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { WardenFunction, type WardenFunctionProps } from './warden-function.ts';

export interface ScheduledFunctionProps extends WardenFunctionProps {
  /**
   * How often EventBridge invokes the function.
   * @default Duration.minutes(5)
   */
  readonly every?: Duration;
}

/** A Warden function invoked on a fixed rate by an EventBridge rule instead of by the API. */
export class ScheduledFunction extends Construct {
  readonly function: WardenFunction;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: ScheduledFunctionProps) {
    super(scope, id);
    const { every, ...fnProps } = props;
    this.function = new WardenFunction(this, 'Fn', fnProps);
    this.rule = new Rule(this, 'Schedule', {
      description: `runs ${props.description}`,
      schedule: Schedule.rate(every ?? Duration.minutes(5)),
      // A run that fails is simply superseded by the next one, so no retries pile up.
      targets: [new LambdaFunction(this.function.fn, { retryAttempts: 0 })],
    });
  }
}
