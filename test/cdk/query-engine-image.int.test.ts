import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '#local/dynamo.ts';
import { TABLE_NAMES, tableEnvVar } from '#shared/store/tables.ts';
import { PROJECT_ROOT } from '../../cdk/bundling.ts';
import { queryEngineBundleOptions } from '../../cdk/query-engine/bundle.ts';
import { keyFor } from '../query-engine/support.ts';
import { adminSql, startPostgres, type PostgresServer } from '../query-engine/postgres-server.ts';
import { testServices } from '../support/services.ts';

// Inside the repository, as /app/dist is beside /app/node_modules in the image.
const OUT_DIR = join(PROJECT_ROOT, 'node_modules', '.cache', 'warden-query-engine-image');
const ENTRYPOINT = join(PROJECT_ROOT, 'cdk', 'query-engine', 'entrypoint.sh');

let server: PostgresServer;
let work: string;
let engine: ChildProcess;
let port: number;
let certificate: string;
let biKey: string;

/** A port nothing listens on now. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port: p } = s.address() as { port: number };
      s.close(() => resolve(p));
    });
  });
}

/** Resolves once the engine logs that it listens; rejects with its output if it exits first. */
function listening(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const seen = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('query engine listening')) resolve();
    };
    child.stdout?.on('data', seen);
    child.stderr?.on('data', seen);
    child.once('exit', (code) => reject(new Error(`engine exited with ${code}: ${output}`)));
  });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'warden-image-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(work, 'key.pem'), '-out', join(work, 'cert.pem')], { stdio: 'ignore' });
  certificate = readFileSync(join(work, 'cert.pem'), 'utf8');
  const services = await testServices();
  biKey = await keyFor(services, { type: 'service', id: 'bi-tool' });
  server = await startPostgres();
  await adminSql(server, 'postgres', 'CREATE DATABASE warden');
  mkdirSync(OUT_DIR, { recursive: true });
  await build({ ...queryEngineBundleOptions(join(OUT_DIR, 'main.mjs')), logLevel: 'silent' });
  port = await freePort();
  // The container's environment as the task definition sets it, the PEMs as ECS injects secrets.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '',
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    DYNAMODB_ENDPOINT: inject('dynamoEndpoint'),
    WARDEN_ISSUER: 'https://api.example.com',
    WARDEN_QUERY_ENGINE_PORT: String(port),
    WARDEN_QUERY_BACKEND_URL: server.url('warden'),
    WARDEN_QUERY_TLS_DIR: join(work, 'run'),
    WARDEN_QUERY_TLS_CERT_PEM: certificate,
    WARDEN_QUERY_TLS_KEY_PEM: readFileSync(join(work, 'key.pem'), 'utf8'),
    LOG_LEVEL: 'INFO',
    ...Object.fromEntries(TABLE_NAMES.map((name) => [tableEnvVar(name), services.db.tables[name]])),
  };
  engine = spawn('sh', [ENTRYPOINT, process.execPath, join(OUT_DIR, 'main.mjs')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  await listening(engine);
}, 120_000);

afterAll(async () => {
  if (engine && engine.exitCode === null) {
    const exited = new Promise((resolve) => engine.once('exit', resolve));
    engine.kill('SIGTERM');
    await exited;
  }
  await server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the query engine image, as ECS runs it', () => {
  it('serves the certificate of its TLS secret and answers a login over TLS against a real PostgreSQL', async () => {
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'bi-tool', password: biKey, database: 'warden', ssl: { ca: certificate } });
    await client.connect();
    try {
      expect((await client.query('SHOW warden.impersonation_userid')).rows).toHaveLength(1);
    } finally {
      await client.end();
    }
  });

  it('refuses a wrong API key with SQLSTATE 28P01', async () => {
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'bi-tool', password: 'wdn_wrong', database: 'warden', ssl: { ca: certificate } });
    await expect(client.connect()).rejects.toMatchObject({ code: '28P01' });
  });

  it('keeps the key in a file only the engine reads, and out of its environment', () => {
    expect(statSync(join(work, 'run', 'tls.key')).mode & 0o777).toBe(0o600);
    const environ = readFileSync(`/proc/${engine.pid}/environ`, 'utf8').split('\0');
    expect(environ.filter((v) => v.startsWith('WARDEN_QUERY_TLS_'))).toEqual([`WARDEN_QUERY_TLS_CERT_FILE=${join(work, 'run', 'tls.crt')}`, `WARDEN_QUERY_TLS_KEY_FILE=${join(work, 'run', 'tls.key')}`]);
  });

  it('refuses to start with half a TLS secret', () => {
    const run = () => execFileSync('sh', [ENTRYPOINT, 'true'], { env: { PATH: process.env.PATH ?? '', WARDEN_QUERY_TLS_DIR: join(work, 'half'), WARDEN_QUERY_TLS_CERT_PEM: certificate }, stdio: 'pipe' });
    expect(run).toThrow(/needs both `certificate` and `privateKey`/);
  });
});
