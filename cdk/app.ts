import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ApiStack } from './api-stack.ts';
import { DataStack } from './data-stack.ts';

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
new ApiStack(app, 'WardenApi', { description: 'Warden functions and HTTP API', tables: data.tables, impersonationDefaults });
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
