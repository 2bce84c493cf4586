import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { sha256Hex } from '#shared/auth/secrets.ts';
import { readConfig, type Config } from '#shared/config.ts';
import { createServices, type DecidingServices, type DecisionServiceFactory, type ServiceOptions, type Services } from '#shared/services.ts';
import { createDb } from '#shared/store/client.ts';

function secretHashLoader(arn: string | undefined): () => Promise<string | undefined> {
  if (!arn) return async () => undefined;
  let pending: Promise<string | undefined> | undefined;
  return () => {
    // Fetched once per cold start; a failed fetch is retried on the next request.
    pending ??= new SecretsManagerClient({})
      .send(new GetSecretValueCommand({ SecretId: arn }))
      .then((r) => (r.SecretString ? sha256Hex(r.SecretString) : undefined))
      .catch((err: unknown) => {
        pending = undefined;
        throw err;
      });
    return pending;
  };
}

/**
 * Services of a Lambda function: the configuration read (and checked: a cold start fails with
 * every problem named) from the environment, the admin key's hash from Secrets Manager.
 */
export function servicesFromEnv(extra: (config: Config) => Partial<ServiceOptions> & { readonly decisions: DecisionServiceFactory }, env?: NodeJS.ProcessEnv): DecidingServices;
export function servicesFromEnv(extra?: (config: Config) => Partial<ServiceOptions>, env?: NodeJS.ProcessEnv): Services;
export function servicesFromEnv(extra: (config: Config) => Partial<ServiceOptions> = () => ({}), env: NodeJS.ProcessEnv = process.env): Services {
  const config = readConfig(env);
  const db = createDb({ tableNames: config.tableNames, ...(config.dynamoEndpoint ? { endpoint: config.dynamoEndpoint } : {}) });
  return createServices(db, config, { bootstrapKeyHash: secretHashLoader(config.adminKeySecretArn), ...extra(config) });
}
