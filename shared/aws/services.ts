import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { sha256Hex } from '#shared/auth/secrets.ts';
import type { ImpersonationVerifier } from '#shared/auth/authenticate.ts';
import { createImpersonationVerifier } from '#shared/impersonation/verifier.ts';
import { createDb, tableNamesFromEnv } from '#shared/store/client.ts';
import { createServices, type Services } from '#shared/services.ts';

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

/** Services of a Lambda function, configured from its environment. */
export function servicesFromEnv(extra: { impersonation?: ImpersonationVerifier } = {}, env: NodeJS.ProcessEnv = process.env): Services {
  const db = createDb({ tableNames: tableNamesFromEnv(env), ...(env.DYNAMODB_ENDPOINT ? { endpoint: env.DYNAMODB_ENDPOINT } : {}) });
  const issuer = env.WARDEN_ISSUER ?? 'https://warden.invalid';
  // Every function verifies impersonation tokens the same way: JWKS and revocation from the sessions table.
  const impersonation = extra.impersonation ?? createImpersonationVerifier({ db, issuer });
  return createServices(db, { issuer, bootstrapKeyHash: secretHashLoader(env.WARDEN_ADMIN_KEY_SECRET_ARN) }, { ...extra, impersonation });
}
