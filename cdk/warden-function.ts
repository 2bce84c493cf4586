import { Duration, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BUNDLING, DEPS_LOCK_FILE, PROJECT_ROOT, bundlingWithFiles, entryPath } from './bundling.ts';

export interface WardenFunctionProps {
  /** Entry file relative to the repository root, e.g. `functions/scim/handler.ts`. */
  readonly entry: string;
  /** Shown in the Lambda console. */
  readonly description: string;
  /**
   * Memory in MB; CPU scales with it, so it also buys cold-start and JSON speed.
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Upper bound of one invocation; API Gateway gives up after 30 s anyway.
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;
  /**
   * Environment variables besides the ones every function gets.
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Files shipped beside the bundle, read at run time: bundle-relative path → repository-relative source.
   * @default - none
   */
  readonly files?: Readonly<Record<string, string>>;
}

/**
 * A Warden Lambda: Node 22 on arm64, bundled by the local esbuild, X-Ray traced, logging to its
 * own log group with a retention. Its role starts empty (no managed policy): every permission is
 * granted by the stack that knows what the function touches.
 */
export class WardenFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: WardenFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', { retention: RetentionDays.ONE_MONTH });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `execution role of ${props.description}`,
    });
    // Only its own log group, instead of AWSLambdaBasicExecutionRole's logs on every group.
    this.logGroup.grantWrite(this.role);
    this.fn = new NodejsFunction(this, 'Function', {
      entry: entryPath(props.entry),
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: DEPS_LOCK_FILE,
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      bundling: props.files ? bundlingWithFiles(props.files) : BUNDLING,
      environment: {
        // Stack traces point into the TypeScript sources through the bundled source maps.
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
    });
    Validations.of(this.fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node 22 is the pinned runtime: the code is built (esbuild target node22) and tested for it; nodejs24.x is a deliberate upgrade, not a drift',
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'active tracing: X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions',
    });
  }
}
