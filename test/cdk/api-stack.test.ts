import type { CfnResource } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLE_NAMES, tableEnvVar } from '#shared/store/tables.ts';
import { ROUTES } from '../../cdk/routes.ts';
import { synthWarden, type WardenApp } from './synth.ts';

/** Route path → function, as the path-prefix table derives it: what the stack must synthesize. */
const EXPECTED_ROUTES: Record<string, string> = Object.fromEntries(Object.entries(ROUTES).flatMap(([fn, paths]) => paths.map((path) => [path, fn])));

const API_FUNCTIONS = ['scim', 'userinfo', 'policy', 'impersonation'] as const;
const ALL_FUNCTIONS = [...API_FUNCTIONS, 'sync'] as const;
/** An API function, or `sync`: the scheduled user-info sync. */
type FunctionName = (typeof ALL_FUNCTIONS)[number];

// CloudFormation JSON is untyped; each test narrows what it reads.
type Json = any;

let warden: WardenApp;
let resources: Record<string, Json>;
beforeAll(() => {
  warden = synthWarden();
  resources = warden.apiTemplate.toJSON().Resources;
});

function logicalId(resource: unknown): string {
  return warden.api.getLogicalId(resource as CfnResource);
}

/** Logical id of the Lambda of a function. */
function functionId(name: FunctionName): string {
  const fn = name === 'sync' ? warden.api.userInfoSync.function : warden.api.functions[name];
  return logicalId(fn.fn.node.defaultChild);
}

/** Every IAM statement attached to the role of a function. */
function statementsOf(name: FunctionName): Json[] {
  const roleId = resources[functionId(name)].Properties.Role['Fn::GetAtt'][0];
  return Object.values(resources)
    .filter((r: Json) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: Json) => x.Ref === roleId))
    .flatMap((r: Json) => r.Properties.PolicyDocument.Statement);
}

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

/** Actions a function may perform on one table (a resource that imports its ARN). */
function tableActions(name: FunctionName, table: string): string[] {
  const onTable = (res: unknown): boolean => JSON.stringify(res).includes(`GetAtt${table}Table`);
  const actions = statementsOf(name)
    .filter((s) => asList(s.Resource).some(onTable))
    .flatMap((s) => asList(s.Action) as string[]);
  return [...new Set(actions)].sort();
}

describe('api stack functions', () => {
  it('runs the four API functions and the sync on arm64 / nodejs22.x, ESM bundles', () => {
    // With the console, the snapshot artifact's builder (tested in snapshot-artifact.test.ts), the
    // purge of deleted groups (group-purge.test.ts), the listing backfill and the three functions
    // of its provider framework.
    warden.apiTemplate.resourceCountIs('AWS::Lambda::Function', 12);
    for (const name of ALL_FUNCTIONS) {
      const props = resources[functionId(name)].Properties;
      expect(props.Architectures, name).toEqual(['arm64']);
      expect(props.Runtime, name).toBe('nodejs22.x');
      expect(props.Handler, name).toBe('index.handler');
      expect(props.TracingConfig, name).toEqual({ Mode: 'Active' });
      expect(props.MemorySize, name).toBeGreaterThanOrEqual(512);
      expect(props.MemorySize, name).toBeLessThanOrEqual(1024);
    }
  });

  it('runs the console as a function of its own on /console, with no table, key or secret', () => {
    const id = logicalId(warden.api.console.fn.node.defaultChild);
    const props = resources[id].Properties;
    expect([props.Architectures, props.Runtime]).toEqual([['arm64'], 'nodejs22.x']);
    expect(Object.keys(props.Environment.Variables).sort()).toEqual(['LOG_LEVEL', 'NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME']);
    const roleId = props.Role['Fn::GetAtt'][0];
    const statements = Object.values(resources)
      .filter((r: Json) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: Json) => x.Ref === roleId))
      .flatMap((r: Json) => r.Properties.PolicyDocument.Statement);
    expect(statements.flatMap((s: Json) => asList(s.Action)).filter((a) => !String(a).startsWith('logs:') && !String(a).startsWith('xray:'))).toEqual([]);
    const routes = Object.values(resources).filter((r: Json) => r.Type === 'AWS::ApiGatewayV2::Route').map((r: Json) => r.Properties.RouteKey);
    expect(routes).toEqual(expect.arrayContaining(['ANY /console', 'ANY /console/{proxy+}']));
  });

  it('bounds API functions at 10 s and the sync at 60 s', () => {
    for (const name of API_FUNCTIONS) expect(resources[functionId(name)].Properties.Timeout, name).toBeLessThanOrEqual(10);
    expect(resources[functionId('sync')].Properties.Timeout).toBe(60);
  });

  it('tells every function the physical table names and where its keys live', () => {
    for (const name of API_FUNCTIONS) {
      const env = resources[functionId(name)].Properties.Environment.Variables;
      for (const table of TABLE_NAMES) expect(env[tableEnvVar(table)], `${name} ${table}`).toBeDefined();
      expect(env.WARDEN_ADMIN_KEY_SECRET_ARN, name).toEqual({ Ref: logicalId(findChild('AdminApiKey')) });
      expect(env.WARDEN_SIGNING_KEY_ARN, name).toEqual({ 'Fn::GetAtt': [logicalId(findChild('SigningKey')), 'Arn'] });
      expect(env.WARDEN_ISSUER, name).toEqual({ 'Fn::GetAtt': [logicalId(warden.api.api.api.node.defaultChild), 'ApiEndpoint'] });
    }
  });

  it('hands deploy-time impersonation defaults to every function that mints or verifies tokens, and to nothing else', () => {
    const custom = synthWarden({ WARDEN_ALLOWED_IMPERSONATORS: 'service:bi-tool', WARDEN_REQUIRE_ALLOW_LIST: 'true' });
    const lambdas = Object.values(custom.apiTemplate.findResources('AWS::Lambda::Function')) as Json[];
    const withDefaults = lambdas.filter((l) => l.Properties.Environment.Variables.WARDEN_ALLOWED_IMPERSONATORS === 'service:bi-tool');
    expect(withDefaults.map((l) => l.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME).sort()).toEqual(['warden-impersonation', 'warden-policy', 'warden-userinfo']);
    for (const l of withDefaults) expect(l.Properties.Environment.Variables.WARDEN_REQUIRE_ALLOW_LIST).toBe('true');
    expect(resources[functionId('impersonation')].Properties.Environment.Variables.WARDEN_ALLOWED_IMPERSONATORS).toBeUndefined();
  });

  it('logs every function to its own log group kept one month', () => {
    for (const name of ALL_FUNCTIONS) {
      const logGroupId = resources[functionId(name)].Properties.LoggingConfig.LogGroup.Ref;
      expect(resources[logGroupId].Properties.RetentionInDays, name).toBe(30);
    }
  });

  it('runs the user-info sync every five minutes', () => {
    warden.apiTemplate.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [{ Arn: { 'Fn::GetAtt': [functionId('sync'), 'Arn'] }, Id: 'Target0', RetryPolicy: { MaximumRetryAttempts: 0 } }],
    });
  });
});

describe('api stack routes', () => {
  it('maps every path of the contract to its function, and nothing else', () => {
    const integrationTarget = (integrationId: string): string => {
      const uri = resources[integrationId].Properties.IntegrationUri['Fn::GetAtt'][0];
      if (uri === logicalId(warden.api.console.fn.node.defaultChild)) return 'console';
      const owner = API_FUNCTIONS.find((name) => functionId(name) === uri);
      if (!owner) throw new Error(`integration \`${integrationId}\` targets no api function`);
      return owner;
    };
    const actual: Record<string, string> = {};
    for (const r of Object.values(resources).filter((r: Json) => r.Type === 'AWS::ApiGatewayV2::Route')) {
      const [method, path] = (r.Properties.RouteKey as string).split(' ');
      expect(method).toBe('ANY');
      actual[path!] = integrationTarget(r.Properties.Target['Fn::Join'][1][1].Ref);
    }
    expect(actual).toEqual({ ...EXPECTED_ROUTES, '/console': 'console', '/console/{proxy+}': 'console' });
  });

  it('logs access on the $default stage and throttles it', () => {
    warden.apiTemplate.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    const stage = Object.values(resources).find((r: Json) => r.Type === 'AWS::ApiGatewayV2::Stage').Properties;
    expect(stage.StageName).toBe('$default');
    expect(stage.AutoDeploy).toBe(true);
    expect(stage.AccessLogSettings.DestinationArn['Fn::GetAtt'][1]).toBe('Arn');
    expect(JSON.parse(stage.AccessLogSettings.Format).requestId).toBe('$context.requestId');
    expect(stage.DefaultRouteSettings.ThrottlingRateLimit).toBeGreaterThan(0);
    expect(stage.DefaultRouteSettings.ThrottlingBurstLimit).toBeGreaterThan(0);
  });
});

describe('api stack permissions', () => {
  it('never grants dynamodb:* nor any DynamoDB action on *', () => {
    for (const name of ALL_FUNCTIONS) {
      for (const s of statementsOf(name)) {
        const actions = asList(s.Action) as string[];
        expect(actions, name).not.toContain('dynamodb:*');
        if (actions.some((a) => a.startsWith('dynamodb:'))) {
          expect(asList(s.Resource), name).not.toContain('*');
          expect(JSON.stringify(s.Resource), name).not.toContain('/index/*');
        }
      }
    }
  });

  it('grants each function only the tables it uses, audit append-only except for policy', () => {
    const reads = ['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'];
    const rw = [...reads, 'dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'].sort();
    const put = ['dynamodb:PutItem'];
    const expected = {
      scim: { identities: rw, catalog: [], policies: [], sessions: [], audit: put },
      userinfo: { identities: rw, catalog: reads, policies: [...reads, 'dynamodb:UpdateItem'].sort(), sessions: reads, audit: put },
      policy: { identities: reads, catalog: rw, policies: rw, sessions: reads, audit: [...reads, ...put].sort() },
      impersonation: { identities: reads, catalog: [], policies: [], sessions: rw, audit: put },
      sync: { identities: rw, catalog: [], policies: [], sessions: [], audit: put },
    } as const;
    for (const [name, tables] of Object.entries(expected)) {
      for (const [table, actions] of Object.entries(tables)) {
        expect(tableActions(name as keyof typeof expected, table), `${name} on ${table}`).toEqual(actions);
      }
    }
  });

  it('lets userinfo update only the snapshot partition of the policies table (IAM trust and the version bump)', () => {
    const updates = statementsOf('userinfo').filter((st) => asList(st.Action).includes('dynamodb:UpdateItem') && JSON.stringify(st.Resource).includes('GetAttpoliciesTable'));
    expect(updates).toHaveLength(1);
    expect(updates[0].Condition).toEqual({ 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['SNAPSHOT'] } });
  });

  it('lets only impersonation sign; verifiers get the public key, scim no key at all', () => {
    const kmsActions = (name: FunctionName): string[] =>
      statementsOf(name)
        .flatMap((s) => asList(s.Action) as string[])
        .filter((a) => a.startsWith('kms:'))
        .sort();
    expect(kmsActions('impersonation')).toEqual(['kms:GetPublicKey', 'kms:Sign']);
    expect(kmsActions('policy')).toEqual(['kms:GetPublicKey']);
    expect(kmsActions('userinfo')).toEqual(['kms:GetPublicKey']);
    expect(kmsActions('scim')).toEqual([]);
    expect(kmsActions('sync')).toEqual([]);
  });

  it('signs with an ECC P-256 key and keeps the admin key a 40-character secret', () => {
    warden.apiTemplate.hasResourceProperties('AWS::KMS::Key', { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
    warden.apiTemplate.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { ExcludePunctuation: true, PasswordLength: 40 },
    });
  });

  it('lets the four API functions read the admin key secret, and no one else', () => {
    for (const name of ALL_FUNCTIONS) {
      const canRead = statementsOf(name).some((s) => asList(s.Action).includes('secretsmanager:GetSecretValue'));
      expect(canRead, name).toBe(name !== 'sync');
    }
  });
});

function findChild(id: string): unknown {
  return warden.api.node.findChild(id).node.defaultChild;
}
