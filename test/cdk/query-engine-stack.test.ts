import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLE_NAMES, tableEnvVar } from '#shared/store/tables.ts';
import { synthWarden, type WardenApp } from './synth.ts';

// CloudFormation JSON is untyped; each test narrows what it reads.
type Json = any;

let warden: WardenApp;
let resources: Record<string, Json>;
beforeAll(() => {
  warden = synthWarden({ WARDEN_ALLOWED_IMPERSONATORS: 'service:bi-tool' });
  resources = warden.queryEngineTemplate.toJSON().Resources;
});

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);
const ofType = (type: string): Json[] => Object.values(resources).filter((r: Json) => r.Type === type);
const only = (type: string): Json => {
  const found = ofType(type);
  expect(found, type).toHaveLength(1);
  return found[0].Properties;
};
const container = (): Json => only('AWS::ECS::TaskDefinition').ContainerDefinitions[0];
const idOf = (construct: { node: { defaultChild?: unknown } }): string => warden.queryEngine.getLogicalId(construct.node.defaultChild as never);

/** Every IAM statement attached to a role of the stack, by the role's logical id. */
function statementsOf(roleId: string): Json[] {
  return ofType('AWS::IAM::Policy')
    .filter((p) => p.Properties.Roles.some((r: Json) => r.Ref === roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}
const taskRoleId = (): string => only('AWS::ECS::TaskDefinition').TaskRoleArn['Fn::GetAtt'][0];
const executionRoleId = (): string => only('AWS::ECS::TaskDefinition').ExecutionRoleArn['Fn::GetAtt'][0];

/** Actions the task role may perform on one table (a resource that imports its ARN). */
function tableActions(table: string): string[] {
  const onTable = (res: unknown): boolean => JSON.stringify(res).includes(`GetAtt${table}Table`);
  const actions = statementsOf(taskRoleId())
    .filter((s) => asList(s.Resource).some(onTable))
    .flatMap((s) => asList(s.Action) as string[]);
  return [...new Set(actions)].sort();
}

describe('query engine service', () => {
  it('runs arm64 Linux Fargate tasks from the repository Dockerfile, staged not built', () => {
    const task = only('AWS::ECS::TaskDefinition');
    expect(task.RequiresCompatibilities).toEqual(['FARGATE']);
    expect(task.RuntimePlatform).toEqual({ CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' });
    expect(task.NetworkMode).toBe('awsvpc');
    const assembly = warden.app.synth();
    const manifest = JSON.parse(readFileSync(join(assembly.directory, 'WardenQueryEngine.assets.json'), 'utf8'));
    const images = Object.values(manifest.dockerImages) as Json[];
    expect(images).toHaveLength(1);
    expect(images[0].source).toMatchObject({ dockerFile: 'Dockerfile', platform: 'linux/arm64' });
    // Staged by .dockerignore: what the image build reads, no node_modules, tests or cdk.out.
    const staged = readdirSync(join(assembly.directory, images[0].source.directory)).sort();
    expect(staged).toEqual(['.dockerignore', 'Dockerfile', 'cdk', 'package-lock.json', 'package.json', 'query-engine', 'shared', 'tsconfig.json']);
    expect(container().ReadonlyRootFilesystem).toBe(true);
  });

  it('keeps at least two tasks in private subnets, scaled by application auto scaling on CPU', () => {
    const service = only('AWS::ECS::Service');
    expect(service.LaunchType).toBe('FARGATE');
    expect(service.DesiredCount).toBe(2);
    expect(service.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp).toBe('DISABLED');
    const subnets = service.NetworkConfiguration.AwsvpcConfiguration.Subnets.map((s: Json) => s.Ref);
    expect(subnets).toEqual(warden.queryEngine.vpc.privateSubnets.map((s) => idOf(s)));
    expect(only('AWS::ApplicationAutoScaling::ScalableTarget')).toMatchObject({ MinCapacity: 2, ScalableDimension: 'ecs:service:DesiredCount' });
    expect(only('AWS::ApplicationAutoScaling::ScalingPolicy')).toMatchObject({
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' } },
    });
  });

  it('is reached through a Network Load Balancer passing TCP 5432 through to the tasks, health-checked on that port', () => {
    expect(only('AWS::ElasticLoadBalancingV2::LoadBalancer')).toMatchObject({ Type: 'network', Scheme: 'internal' });
    const listener = only('AWS::ElasticLoadBalancingV2::Listener');
    expect([listener.Protocol, listener.Port]).toEqual(['TCP', 5432]);
    expect(listener.Certificates).toBeUndefined();
    expect(only('AWS::ElasticLoadBalancingV2::TargetGroup')).toMatchObject({ Protocol: 'TCP', Port: 5432, TargetType: 'ip', HealthCheckProtocol: 'TCP', HealthCheckPort: '5432' });
    expect(container().PortMappings).toEqual([{ ContainerPort: 5432, Protocol: 'tcp' }]);
    const ingress = ofType('AWS::EC2::SecurityGroupIngress').map((r) => r.Properties);
    expect(ingress.map((i) => [i.FromPort, i.ToPort])).toEqual([[5432, 5432]]);
  });

  it('takes the backend URL and the TLS certificate from Secrets Manager as ECS secrets, never as plain values', () => {
    const secrets = Object.fromEntries(container().Secrets.map((s: Json) => [s.Name, s.ValueFrom]));
    expect(secrets.WARDEN_QUERY_BACKEND_URL).toEqual({ Ref: idOf(warden.queryEngine.backendUrlSecret as never) });
    const tls = JSON.stringify(secrets.WARDEN_QUERY_TLS_CERT_PEM) + JSON.stringify(secrets.WARDEN_QUERY_TLS_KEY_PEM);
    expect(tls).toContain(':certificate::');
    expect(tls).toContain(':privateKey::');
    const plain = container().Environment.map((e: Json) => e.Name);
    expect(plain).not.toContain('WARDEN_QUERY_BACKEND_URL');
    expect(plain.filter((n: string) => n.includes('PEM') || n.includes('TLS_CERT') || n.includes('TLS_KEY'))).toEqual([]);
  });

  it('tells the engine its tables, keys, issuer, port and the impersonation defaults of the API', () => {
    const env = Object.fromEntries(container().Environment.map((e: Json) => [e.Name, e.Value]));
    for (const table of TABLE_NAMES) expect(env[tableEnvVar(table)], table).toBeDefined();
    expect(env.WARDEN_QUERY_ENGINE_PORT).toBe('5432');
    expect(JSON.stringify(env.WARDEN_ISSUER)).toContain('ApiEndpoint');
    expect(JSON.stringify(env.WARDEN_SIGNING_KEY_ARN)).toContain('SigningKey');
    expect(JSON.stringify(env.WARDEN_ADMIN_KEY_SECRET_ARN)).toContain('AdminApiKey');
    expect(env.WARDEN_ALLOWED_IMPERSONATORS).toBe('service:bi-tool');
  });

  it('logs to its own log group kept one month, with container insights on the cluster', () => {
    const logging = container().LogConfiguration;
    expect(logging.LogDriver).toBe('awslogs');
    expect(resources[logging.Options['awslogs-group'].Ref].Properties.RetentionInDays).toBe(30);
    expect(only('AWS::ECS::Cluster').ClusterSettings).toEqual([{ Name: 'containerInsights', Value: 'enabled' }]);
  });
});

describe('query engine secrets made before the deploy', () => {
  it('reads the backend URL and the TLS PEMs from the given secrets, and creates none', () => {
    const backend = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:warden/query-backend-AbCdEf';
    const tls = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:warden/query-tls-GhIjKl';
    const given = synthWarden(undefined, { backendUrlSecretArn: backend, tlsSecretArn: tls }).queryEngineTemplate;
    given.resourceCountIs('AWS::SecretsManager::Secret', 0);
    const defs = Object.values(given.findResources('AWS::ECS::TaskDefinition')) as Json[];
    const secrets = Object.fromEntries(defs[0].Properties.ContainerDefinitions[0].Secrets.map((x: Json) => [x.Name, x.ValueFrom]));
    expect(secrets).toEqual({ WARDEN_QUERY_BACKEND_URL: backend, WARDEN_QUERY_TLS_CERT_PEM: `${tls}:certificate::`, WARDEN_QUERY_TLS_KEY_PEM: `${tls}:privateKey::` });
  });
});

describe('query engine permissions', () => {
  it('grants the task exactly the tables the engine uses: reads, its sessions, audit append-only', () => {
    const reads = ['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'];
    const rw = [...reads, 'dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'].sort();
    expect(Object.fromEntries(TABLE_NAMES.map((t) => [t, tableActions(t)]))).toEqual({ identities: reads, catalog: reads, policies: reads, sessions: rw, audit: ['dynamodb:PutItem'] });
  });

  it('never grants a wildcard action, nor any DynamoDB action on every resource or index', () => {
    const roles = ofType('AWS::IAM::Role').length;
    expect(roles).toBeGreaterThanOrEqual(2);
    for (const s of ofType('AWS::IAM::Policy').flatMap((p) => p.Properties.PolicyDocument.Statement)) {
      for (const action of asList(s.Action) as string[]) expect(action).not.toMatch(/\*/);
      if ((asList(s.Action) as string[]).some((a) => a.startsWith('dynamodb:'))) {
        expect(asList(s.Resource)).not.toContain('*');
        expect(JSON.stringify(s.Resource)).not.toContain('/index/*');
      }
    }
  });

  it('lets the task sign with the signing key and read the admin key; only the execution role reads the backend and TLS secrets', () => {
    const task = statementsOf(taskRoleId());
    expect(task.flatMap((s) => asList(s.Action)).filter((a) => String(a).startsWith('kms:')).sort()).toEqual(['kms:GetPublicKey', 'kms:Sign']);
    const secretReads = (st: Json[]) => st.filter((s) => asList(s.Action).includes('secretsmanager:GetSecretValue')).flatMap((s) => asList(s.Resource));
    expect(JSON.stringify(secretReads(task))).toContain('AdminApiKey');
    expect(secretReads(task)).toHaveLength(1);
    const execution = secretReads(statementsOf(executionRoleId())).map((r: Json) => r.Ref).sort();
    expect(execution).toEqual([idOf(warden.queryEngine.backendUrlSecret as never), idOf(warden.queryEngine.tlsSecret as never)].sort());
  });
});

describe('query engine exposure', () => {
  it('opens port 5432 of an internet-facing load balancer to the given range only', () => {
    const open = synthWarden(undefined, { internetFacing: true, clientCidr: '203.0.113.0/24' });
    open.queryEngineTemplate.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internet-facing' });
    open.queryEngineTemplate.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [{ CidrIp: '203.0.113.0/24', FromPort: 5432, ToPort: 5432, IpProtocol: 'tcp' }],
    });
    const report = new AwsSolutionsChecks(open.app).validateScope(open.app);
    expect(report.violations).toEqual([]);
  });

  it('leaves cdk-nag free to flag a range open to the whole internet', () => {
    const world = synthWarden(undefined, { internetFacing: true, clientCidr: '0.0.0.0/0' });
    const report = new AwsSolutionsChecks(world.app).validateScope(world.app);
    expect(report.violations.map((v) => v.ruleName)).toEqual(['AwsSolutions-EC23']);
  });
});
