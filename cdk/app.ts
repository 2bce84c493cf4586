import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ApiStack } from './api-stack.ts';
import { DataStack } from './data-stack.ts';
import { QueryEngineStack } from './query-engine-stack.ts';

// No `env`: the stacks are environment-agnostic, so `cdk synth` needs no credentials or lookups.
const app = new App();
const data = new DataStack(app, 'WardenData', { description: 'Warden tables (stateful)' });
// `npx cdk deploy -c WARDEN_ALLOWED_IMPERSONATORS=service:bi-tool …` sets impersonation defaults.
const IMPERSONATION_CONTEXT = ['WARDEN_ALLOWED_IMPERSONATORS', 'WARDEN_SINGLE_IMPERSONATION_USER', 'WARDEN_USER_MAPPING_IAMID', 'WARDEN_IMPERSONATION_TTL_SECONDS', 'WARDEN_REQUIRE_ALLOW_LIST'];
const impersonationDefaults = Object.fromEntries(
  IMPERSONATION_CONTEXT.flatMap((key) => {
    const value: unknown = app.node.tryGetContext(key);
    return value === undefined ? [] : [[key, String(value)]];
  }),
);
const api = new ApiStack(app, 'WardenApi', { description: 'Warden functions and HTTP API', tables: data.tables, impersonationDefaults });
// `-c WARDEN_QUERY_BACKEND_SECRET_ARN=… -c WARDEN_QUERY_TLS_SECRET_ARN=…` (secrets made first),
// `-c WARDEN_QUERY_CLIENT_CIDR=203.0.113.0/24 -c WARDEN_QUERY_INTERNET_FACING=true` (README, "Deploy").
const queryContext = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  return value === undefined ? undefined : String(value);
};
new QueryEngineStack(app, 'WardenQueryEngine', {
  description: 'Warden query engine (PostgreSQL wire protocol) on ECS Fargate behind an NLB',
  tables: data.tables,
  issuer: api.api.url,
  adminKey: api.adminKey,
  signingKey: api.signingKey,
  impersonationDefaults,
  backendUrlSecretArn: queryContext('WARDEN_QUERY_BACKEND_SECRET_ARN'),
  tlsSecretArn: queryContext('WARDEN_QUERY_TLS_SECRET_ARN'),
  clientCidr: queryContext('WARDEN_QUERY_CLIENT_CIDR'),
  internetFacing: queryContext('WARDEN_QUERY_INTERNET_FACING') === 'true',
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
