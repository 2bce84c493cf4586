import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import pg from 'pg';
import { sha256Hex } from '#shared/auth/secrets.ts';
import type { Principal } from '#shared/model/identity.ts';
import type { DecidingServices } from '#shared/services.ts';
import type { Backend } from '#query-engine/backend/backend.ts';
import { seedQueryDemo } from '#query-engine/backend/demo-catalog.ts';
import { pgliteBackend } from '#query-engine/backend/pglite.ts';
import { startQueryEngine, type QueryEngine } from '#query-engine/server.ts';
import { localServices } from '../support/services.ts';

/** An API key for a principal (a service key with these permissions). */
export async function keyFor(services: DecidingServices, principal: Principal): Promise<string> {
  const { newSecret } = await import('#shared/auth/secrets.ts');
  const key = newSecret('wdn');
  await services.apiKeys.create({ hash: sha256Hex(key), name: 'query-engine test', principal, permissions: [], createdBy: 'test' });
  return key;
}

/** The demo organisation, an engine over `backend` (default: the embedded demo database), and keys. */
export interface EngineFixture {
  readonly services: DecidingServices;
  readonly backend: Backend;
  readonly engine: QueryEngine;
  /** `bim/edixon@example.com`: IMPERSONATE_USER. */
  readonly edixonKey: string;
  /** `okta/jdoe`: HR and Legal, France. */
  readonly jdoeKey: string;
  /** Service `bi-tool`, allow-listed to impersonate. */
  readonly biKey: string;
  close(): Promise<void>;
}

/** How a fixture's engine is started: its backend, pass-through schemas, address (default 127.0.0.1) and TLS files. */
export interface FixtureOptions {
  readonly backend?: Backend;
  readonly passThroughSchemas?: string[];
  readonly host?: string;
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
}

/** Starts the fixture: the seeded demo services, allow-listing `bi-tool`, and the engine on a free port. */
export async function engineFixture(options: FixtureOptions = {}): Promise<EngineFixture> {
  const { services } = await localServices(true);
  const current = await services.impersonationSettings.get();
  await services.impersonationSettings.put({ ...current, allowedImpersonators: [{ type: 'service', id: 'bi-tool' }], singleImpersonationPerSession: true, userMappingIamid: 'okta' }, current.version, {
    actor: { type: 'service', id: 'test' },
    action: 'UPDATE',
    actionStatus: 'SUCCESS',
    targetType: 'impersonationSettings',
    targets: ['settings'],
    payload: {},
  });
  await seedQueryDemo(services);
  const backend = options.backend ?? (await pgliteBackend());
  const engine = await startQueryEngine({
    services,
    backend,
    host: options.host ?? '127.0.0.1',
    port: 0,
    ...(options.passThroughSchemas ? { passThroughSchemas: options.passThroughSchemas } : {}),
    ...(options.tls ? { tls: options.tls } : {}),
  });
  return {
    services,
    backend,
    engine,
    edixonKey: await keyFor(services, { type: 'user', iamid: 'bim', id: 'edixon@example.com' }),
    jdoeKey: await keyFor(services, { type: 'user', iamid: 'okta', id: 'jdoe' }),
    biKey: await keyFor(services, { type: 'service', id: 'bi-tool' }),
    async close() {
      await engine.close();
      await backend.close();
    },
  };
}

/** The psql binary: on PATH in the image, else Debian's location (never skipped: a missing one fails). */
export function psqlPath(): string {
  for (const p of ['/usr/bin/psql', '/usr/local/bin/psql', '/usr/lib/postgresql/15/bin/psql']) if (existsSync(p)) return p;
  throw new Error('psql not found: install postgresql-client (.ci/run does)');
}

/** What psql printed and its exit code. */
export interface PsqlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a script through real psql against the engine (unaligned, tuples only, stopping at the first error). */
export function psql(engine: QueryEngine, user: string, key: string, script: string, extra: string[] = []): Promise<PsqlResult> {
  return new Promise((resolve) => {
    const child = execFile(
      psqlPath(),
      ['-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(engine.port), '-U', user, '-d', 'warden', ...extra],
      { env: { PATH: process.env.PATH ?? '', PGPASSWORD: key, PGSSLMODE: 'disable', PGGSSENCMODE: 'disable', PGCONNECT_TIMEOUT: '10' }, timeout: 20_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout: stdout.trim(), stderr: stderr.trim() }),
    );
    child.stdin?.end(script);
  });
}

/** Runs a psql script as the BI service account `bi-tool` (any impersonation is the script's own). */
export function asBiTool(f: EngineFixture, script: string): Promise<PsqlResult> {
  return psql(f.engine, 'bi-tool', f.biKey, script);
}

/** Runs a psql script as the analyst `bim/edixon@example.com` (any impersonation is the script's own). */
export function asEdixon(f: EngineFixture, script: string): Promise<PsqlResult> {
  return psql(f.engine, 'bim/edixon@example.com', f.edixonKey, script);
}

/** A node-postgres client logged in to the engine. */
export async function pgClient(engine: QueryEngine, user: string, key: string): Promise<pg.Client> {
  const client = new pg.Client({ host: '127.0.0.1', port: engine.port, user, password: key, database: 'warden' });
  await client.connect();
  return client;
}
