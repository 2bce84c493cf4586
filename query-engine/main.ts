import { servicesFromEnv } from '#shared/aws/services.ts';
import { ConfigError } from '#shared/config.ts';
import { decisionService } from '#shared/decision-service/index.ts';
import { kmsSigner } from '#shared/impersonation/kms-client.ts';
import { postgresBackend } from './backend/postgres.ts';
import { startQueryEngine } from './server.ts';

/**
 * The query engine as a long-lived service (ECS): the same shared services as the functions,
 * tokens signed by the KMS key, the backend from `WARDEN_QUERY_BACKEND_URL` (required here: the
 * embedded demo database is for `npm start`), listening on every interface of the task.
 */
async function main(): Promise<void> {
  const services = servicesFromEnv((config) => ({ decisions: decisionService, signer: kmsSigner(config.signingKeyArn) }));
  const settings = services.config.queryEngine;
  if (!settings.backendUrl) throw new ConfigError('invalid configuration: `WARDEN_QUERY_BACKEND_URL`: required by the query engine service');
  const backend = await postgresBackend(settings.backendUrl);
  const engine = await startQueryEngine({ services, backend, host: '0.0.0.0', port: settings.port, passThroughSchemas: settings.passThroughSchemas, ...(settings.tls ? { tls: settings.tls } : {}) });
  services.log.info('query engine listening', { port: engine.port, database: backend.database });
  const stop = () => void engine.close().then(() => backend.close()).then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
