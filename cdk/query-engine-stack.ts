import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { FlowLogDestination, GatewayVpcEndpointAwsService, Peer, Port, SecurityGroup, SubnetType, Vpc, type IVpc } from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import { Cluster, ContainerImage, ContainerInsights, CpuArchitecture, FargateService, FargateTaskDefinition, LogDrivers, OperatingSystemFamily, Secret as EcsSecret } from 'aws-cdk-lib/aws-ecs';
import { NetworkLoadBalancer, Protocol } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { TABLE_NAMES, tableEnvVar, type TableName } from '#shared/store/tables.ts';
import { grantTables, type TableGrants, type WardenTable } from './warden-table.ts';

/** PostgreSQL's port, on the load balancer and in the task: what `psql -p` defaults to. */
export const QUERY_ENGINE_PORT = 5432;

/**
 * What the engine touches: API keys and users (login, impersonation targets), the catalog and
 * policies (the snapshot), its impersonation sessions and settings, and audit records it appends.
 */
export const QUERY_ENGINE_TABLE_GRANTS: TableGrants = { identities: 'read', catalog: 'read', policies: 'read', sessions: 'readWrite', audit: 'append' };

/** What the query engine stack needs from the data and API stacks, and how it is exposed. */
export interface QueryEngineStackProps extends StackProps {
  /** The tables of the data stack. */
  readonly tables: Readonly<Record<TableName, WardenTable>>;
  /** The API's URL: the `iss` and `aud` of the impersonation tokens the engine mints and verifies. */
  readonly issuer: string;
  /** The bootstrap admin API key (API keys are the engine's passwords). */
  readonly adminKey: ISecret;
  /** The ES256 key: the engine signs the tokens of its impersonation sessions. */
  readonly signingKey: IKey;
  /** The same impersonation defaults as the API's functions (a session is judged under the same settings). */
  readonly impersonationDefaults?: Readonly<Record<string, string>>;
  /**
   * Complete ARN of a plain-text secret holding the backend's `postgres://` URL, created before
   * the deploy (README, "Deploy"); complete because ECS resolves JSON keys of full ARNs only.
   * @default a new secret with a random placeholder the operator replaces
   */
  readonly backendUrlSecretArn?: string;
  /**
   * Complete ARN of a JSON secret with the engine's PEM `certificate` and `privateKey`.
   * @default a new secret with a random placeholder the operator replaces
   */
  readonly tlsSecretArn?: string;
  /**
   * The VPC of the tasks and the load balancer (the backend must be reachable from it).
   * @default a VPC of its own: two AZs, private subnets behind NAT, flow logs
   */
  readonly vpc?: IVpc;
  /**
   * Who may connect to port 5432 of the load balancer.
   * @default the VPC's own CIDR (the load balancer is internal)
   */
  readonly clientCidr?: string;
  /**
   * An internet-facing load balancer (public subnets) instead of an internal one.
   * @default false
   */
  readonly internetFacing?: boolean;
}

/** Where the `Dockerfile` is: the repository root, staged (not built) at synth. */
const IMAGE_DIRECTORY = fileURLToPath(new URL('..', import.meta.url));
/** The task volume the entrypoint writes the TLS PEMs into; the root file system is read-only. */
const TLS_DIR = '/run/warden';

/**
 * The query engine as a long-lived service: arm64 Fargate tasks (at least two, scaled on CPU)
 * in private subnets, behind a Network Load Balancer passing TCP 5432 through (PostgreSQL
 * negotiates TLS inside its protocol, so the engine terminates it with its own certificate).
 */
export class QueryEngineStack extends Stack {
  readonly vpc: IVpc;
  readonly service: FargateService;
  readonly loadBalancer: NetworkLoadBalancer;
  readonly backendUrlSecret: ISecret;
  readonly tlsSecret: ISecret;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: QueryEngineStackProps) {
    super(scope, id, props);
    this.vpc = props.vpc ?? ownVpc(this);
    this.backendUrlSecret = props.backendUrlSecretArn
      ? Secret.fromSecretCompleteArn(this, 'BackendUrl', props.backendUrlSecretArn)
      : operatorSecret(this, 'BackendUrl', 'Warden query engine backend: a postgres:// URL');
    this.tlsSecret = props.tlsSecretArn
      ? Secret.fromSecretCompleteArn(this, 'TlsCertificate', props.tlsSecretArn)
      : operatorSecret(this, 'TlsCertificate', 'Warden query engine TLS: JSON with PEM `certificate` and `privateKey`');

    const cluster = new Cluster(this, 'Cluster', { vpc: this.vpc, containerInsightsV2: ContainerInsights.ENABLED });
    const task = new FargateTaskDefinition(this, 'Task', {
      cpu: 1024,
      memoryLimitMiB: 2048,
      runtimePlatform: { cpuArchitecture: CpuArchitecture.ARM64, operatingSystemFamily: OperatingSystemFamily.LINUX },
      volumes: [{ name: 'tls' }],
    });
    this.logGroup = new LogGroup(this, 'Logs', { retention: RetentionDays.ONE_MONTH });
    const environment: Record<string, string> = {
      ...props.impersonationDefaults,
      WARDEN_ISSUER: props.issuer,
      WARDEN_ADMIN_KEY_SECRET_ARN: props.adminKey.secretArn,
      WARDEN_SIGNING_KEY_ARN: props.signingKey.keyArn,
      WARDEN_QUERY_ENGINE_PORT: String(QUERY_ENGINE_PORT),
      WARDEN_QUERY_TLS_DIR: TLS_DIR,
      LOG_LEVEL: 'INFO',
      POWERTOOLS_SERVICE_NAME: 'warden-query-engine',
    };
    for (const name of TABLE_NAMES) environment[tableEnvVar(name)] = props.tables[name].table.tableName;
    const container = task.addContainer('engine', {
      image: ContainerImage.fromAsset(IMAGE_DIRECTORY, { file: 'Dockerfile', platform: Platform.LINUX_ARM64 }),
      essential: true,
      readonlyRootFilesystem: true,
      logging: LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: 'query-engine' }),
      portMappings: [{ containerPort: QUERY_ENGINE_PORT }],
      environment,
      secrets: {
        WARDEN_QUERY_BACKEND_URL: EcsSecret.fromSecretsManager(this.backendUrlSecret),
        WARDEN_QUERY_TLS_CERT_PEM: EcsSecret.fromSecretsManager(this.tlsSecret, 'certificate'),
        WARDEN_QUERY_TLS_KEY_PEM: EcsSecret.fromSecretsManager(this.tlsSecret, 'privateKey'),
      },
    });
    Validations.of(task.obtainExecutionRole()).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'ecr:GetAuthorizationToken supports no resource-level permissions; image pulls and secrets are scoped to their repository and secrets',
    });
    container.addMountPoints({ containerPath: TLS_DIR, sourceVolume: 'tls', readOnly: false });
    Validations.of(task).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason: 'the plain environment holds table names, ARNs, the issuer and settings only; the backend URL and the TLS key are ECS secrets from Secrets Manager',
    });

    const lbSecurityGroup = new SecurityGroup(this, 'LoadBalancerSecurityGroup', { vpc: this.vpc, description: 'Warden query engine clients: PostgreSQL on 5432', allowAllOutbound: false });
    lbSecurityGroup.addIngressRule(Peer.ipv4(props.clientCidr ?? this.vpc.vpcCidrBlock), Port.tcp(QUERY_ENGINE_PORT), 'psql and BI tools');
    // cdk-nag cannot read the VPC's CIDR (a token) and flags it; an operator's literal range it checks itself.
    if (!props.clientCidr) {
      Validations.of(lbSecurityGroup).acknowledge({ id: 'AwsSolutions-EC23', reason: 'the only ingress is port 5432 from the CIDR of the VPC itself, a token until deploy' });
    }
    this.loadBalancer = new NetworkLoadBalancer(this, 'LoadBalancer', {
      vpc: this.vpc,
      internetFacing: props.internetFacing ?? false,
      crossZoneEnabled: true,
      securityGroups: [lbSecurityGroup],
    });
    Validations.of(this.loadBalancer).acknowledge({
      id: 'AwsSolutions-ELB2',
      reason: 'NLB access logs cover TLS listeners only; this TCP listener passes PostgreSQL through, and the engine audits every login and query itself',
    });

    this.service = new FargateService(this, 'Service', {
      cluster,
      taskDefinition: task,
      desiredCount: 2,
      minHealthyPercent: 100,
      vpcSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
      circuitBreaker: { rollback: true },
      assignPublicIp: false,
    });
    this.service.connections.allowFrom(lbSecurityGroup, Port.tcp(QUERY_ENGINE_PORT), 'the load balancer and its health checks');
    const scaling = this.service.autoScaleTaskCount({ minCapacity: 2, maxCapacity: 10 });
    scaling.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 60, scaleInCooldown: Duration.minutes(5), scaleOutCooldown: Duration.minutes(1) });

    const listener = this.loadBalancer.addListener('Postgres', { port: QUERY_ENGINE_PORT, protocol: Protocol.TCP });
    listener.addTargets('Engine', {
      port: QUERY_ENGINE_PORT,
      protocol: Protocol.TCP,
      targets: [this.service],
      // Sessions are long; a deploy lets open connections finish their statements first.
      deregistrationDelay: Duration.seconds(60),
      healthCheck: { protocol: Protocol.TCP, port: String(QUERY_ENGINE_PORT), interval: Duration.seconds(10), healthyThresholdCount: 2, unhealthyThresholdCount: 2 },
    });

    const role = task.taskRole;
    grantTables(role, props.tables, QUERY_ENGINE_TABLE_GRANTS);
    props.adminKey.grantRead(role);
    props.signingKey.grant(role, 'kms:Sign', 'kms:GetPublicKey');

    new CfnOutput(this, 'QueryEngineAddress', { value: this.loadBalancer.loadBalancerDnsName, description: 'psql host: port 5432, sslmode=require' });
    new CfnOutput(this, 'BackendUrlSecretArn', { value: this.backendUrlSecret.secretArn });
    new CfnOutput(this, 'TlsSecretArn', { value: this.tlsSecret.secretArn });
  }
}

/** Two AZs, the tasks in private subnets behind NAT, DynamoDB through a gateway endpoint, flow logs kept. */
function ownVpc(scope: Construct): Vpc {
  const vpc = new Vpc(scope, 'Vpc', {
    maxAzs: 2,
    natGateways: 2,
    subnetConfiguration: [
      { name: 'public', subnetType: SubnetType.PUBLIC },
      { name: 'private', subnetType: SubnetType.PRIVATE_WITH_EGRESS },
    ],
    gatewayEndpoints: { DynamoDb: { service: GatewayVpcEndpointAwsService.DYNAMODB } },
  });
  vpc.addFlowLog('FlowLogs', { destination: FlowLogDestination.toCloudWatchLogs(new LogGroup(scope, 'FlowLogGroup', { retention: RetentionDays.ONE_MONTH })) });
  return vpc;
}

/** A secret whose value only the operator knows (README, "Deploy"); created with a placeholder. */
function operatorSecret(scope: Construct, id: string, description: string): Secret {
  const secret = new Secret(scope, id, { description });
  Validations.of(secret).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason: 'set by the operator: a backend password or a certificate is rotated where it is issued, not by a rotation Lambda of this stack',
  });
  return secret;
}
