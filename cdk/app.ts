import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ApiStack } from './api-stack.ts';
import { DataStack } from './data-stack.ts';

// No `env`: the stacks are environment-agnostic, so `cdk synth` needs no credentials or lookups.
const app = new App();
const data = new DataStack(app, 'WardenData', { description: 'Warden tables (stateful)' });
new ApiStack(app, 'WardenApi', { description: 'Warden functions and HTTP API', tables: data.tables });
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
