import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ApiStack } from '../../cdk/api-stack.ts';
import { DataStack } from '../../cdk/data-stack.ts';
import { QueryEngineStack, type QueryEngineStackProps } from '../../cdk/query-engine-stack.ts';

/** The feature flags of `cdk.json`, so tests synthesize what `cdk synth` does. */
function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return cdkJson.context;
}

export interface WardenApp {
  readonly app: App;
  readonly data: DataStack;
  readonly api: ApiStack;
  readonly dataTemplate: Template;
  readonly apiTemplate: Template;
  readonly queryEngine: QueryEngineStack;
  readonly queryEngineTemplate: Template;
}

/** Options of the query engine stack a test may vary (the rest comes from the other stacks). */
export type QueryEngineOptions = Partial<Pick<QueryEngineStackProps, 'clientCidr' | 'internetFacing' | 'backendUrlSecretArn' | 'tlsSecretArn'>>;

/**
 * Builds the three stacks as `cdk/app.ts` does and synthesizes them. esbuild is skipped (an empty
 * bundling-stacks list): these tests read templates, and bundling five functions takes seconds.
 */
export function synthWarden(impersonationDefaults?: Record<string, string>, queryEngineOptions: QueryEngineOptions = {}): WardenApp {
  const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
  const data = new DataStack(app, 'WardenData');
  const api = new ApiStack(app, 'WardenApi', { tables: data.tables, ...(impersonationDefaults ? { impersonationDefaults } : {}) });
  const queryEngine = new QueryEngineStack(app, 'WardenQueryEngine', {
    tables: data.tables,
    issuer: api.api.url,
    adminKey: api.adminKey,
    signingKey: api.signingKey,
    ...(impersonationDefaults ? { impersonationDefaults } : {}),
    ...queryEngineOptions,
  });
  return {
    app,
    data,
    api,
    dataTemplate: Template.fromStack(data),
    apiTemplate: Template.fromStack(api),
    queryEngine,
    queryEngineTemplate: Template.fromStack(queryEngine),
  };
}
