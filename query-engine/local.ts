import { newSecret, sha256Hex } from '#shared/auth/secrets.ts';
import type { DecidingServices } from '#shared/services.ts';
import type { Backend } from './backend/backend.ts';
import { seedQueryDemo } from './backend/demo-catalog.ts';
import { postgresBackend } from './backend/postgres.ts';
import { startQueryEngine } from './server.ts';

/** The demo impersonator the printed command logs in as (`IMPERSONATE_USER`, seeded by the demo identities). */
const DEMO_LOGIN = { type: 'user', iamid: 'bim', id: 'edixon@example.com' } as const;

/** The query engine of `npm start`, and the psql command that reaches it. */
export interface LocalQueryEngine {
  readonly port: number;
  /** A ready `psql` command: with the demo seed, logged in as the demo impersonator with a fresh key. */
  readonly psql: string;
  stop(): Promise<void>;
}

/**
 * Serves the query engine for `npm start` on 127.0.0.1: in front of `WARDEN_QUERY_BACKEND_URL`,
 * else of the embedded PGlite demo database, whose tables are registered as sources with the seed.
 */
export async function startLocalQueryEngine(services: DecidingServices, options: { readonly seed: boolean; readonly host?: string }): Promise<LocalQueryEngine> {
  const settings = services.config.queryEngine;
  let backend: Backend;
  if (settings.backendUrl) backend = await postgresBackend(settings.backendUrl);
  else {
    // PGlite is a development dependency: only the embedded demo loads it.
    const { pgliteBackend } = await import('./backend/pglite.ts');
    backend = await pgliteBackend();
  }
  try {
    if (options.seed) await seedQueryDemo(services);
    const host = options.host ?? '127.0.0.1';
    const engine = await startQueryEngine({ services, backend, host, port: settings.port, passThroughSchemas: settings.passThroughSchemas, ...(settings.tls ? { tls: settings.tls } : {}) });
    let login = `user=<iamid>/<userid> dbname=${backend.database}`;
    let password = '<api key>';
    if (options.seed) {
      password = newSecret('wdn');
      await services.apiKeys.create({ hash: sha256Hex(password), name: 'npm start: psql', principal: DEMO_LOGIN, permissions: [], createdBy: 'npm start' });
      login = `user=${DEMO_LOGIN.iamid}/${DEMO_LOGIN.id} dbname=${backend.database}`;
    }
    return {
      port: engine.port,
      psql: `PGPASSWORD='${password}' psql "host=${host} port=${engine.port} ${login} sslmode=disable"`,
      async stop() {
        await engine.close();
        await backend.close();
      },
    };
  } catch (err) {
    await backend.close();
    throw err;
  }
}
