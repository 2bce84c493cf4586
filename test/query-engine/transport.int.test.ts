import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { serialize } from 'pg-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRecords } from '../support/services.ts';
import { startQueryEngine } from '#query-engine/server.ts';
import { engineFixture, psqlPath, type EngineFixture } from './support.ts';

/** An address of this machine outside 127.0.0.0/8 and ::1, so the engine sees a client that is not loopback. */
function networkAddress(): string {
  const all = Object.values(networkInterfaces()).flatMap((list) => list ?? []).filter((a) => !a.internal && !a.address.startsWith('fe80:'));
  const address = (all.find((a) => a.family === 'IPv4') ?? all[0])?.address;
  if (!address) throw new Error('this machine has no address outside loopback: the plaintext refusal cannot be tested');
  return address;
}

const host = networkAddress();
let work: string;
let certificate: string;
let f: EngineFixture;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'warden-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=warden-test', '-addext', `subjectAltName=IP:${host}`, '-keyout', join(work, 'key.pem'), '-out', join(work, 'cert.pem')], { stdio: 'ignore' });
  certificate = readFileSync(join(work, 'cert.pem'), 'utf8');
  f = await engineFixture({ host, tls: { certFile: join(work, 'cert.pem'), keyFile: join(work, 'key.pem') } });
});
afterAll(async () => {
  await f?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

const logins = async () => (await auditRecords(f.services)).filter((a) => a.action === 'AUTHENTICATE' && a.targetType === 'queryEngine').length;

/** What an engine answers on a raw socket (to `sent`, if anything is sent) until it closes the connection, and after how long. */
function rawAnswer(at: string, port: number, sent?: Buffer): Promise<{ bytes: Buffer; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const chunks: Buffer[] = [];
    const socket = connect({ host: at, port }, () => sent && socket.write(sent));
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve({ bytes: Buffer.concat(chunks), ms: performance.now() - started }));
    socket.setTimeout(10_000, () => socket.destroy(new Error('the engine neither answered nor closed')));
  });
}

const startup = () => serialize.startup({ user: 'bi-tool', database: 'warden' });

/** psql to the engine's network address (asynchronous: the engine answers from this very process). */
function psqlTo(sslmode: string, script: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      psqlPath(),
      ['-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', `host=${host} port=${f.engine.port} dbname=warden user=bi-tool sslmode=${sslmode}`],
      { env: { PATH: process.env.PATH ?? '', PGPASSWORD: f.biKey, PGCONNECT_TIMEOUT: '10' }, timeout: 20_000 },
      (err, stdout, stderr) => resolve(err ? { code: (err as { code?: number }).code ?? 1, out: stderr.trim() } : { code: 0, out: stdout.trim() }),
    );
    child.stdin?.end(script);
  });
}

describe(`a client that is not loopback (${host})`, () => {
  it('over plaintext is refused before any password is asked for: one FATAL 28000, then the connection closes', async () => {
    const { bytes: answer } = await rawAnswer(host, f.engine.port, startup());
    expect(answer[0]).toBe(0x45);
    expect(answer.length).toBe(answer.readUInt32BE(1) + 1);
    const fields = answer.toString('utf8', 5);
    expect(fields).toContain('SFATAL');
    expect(fields).toContain('C28000');
    expect(fields).toContain('Ma password is never accepted over a plaintext connection: connect with `sslmode=require`');
  });

  it('over plaintext with the right key, node-postgres and psql are refused and nothing logs in', async () => {
    const before = await logins();
    const client = new pg.Client({ host, port: f.engine.port, user: 'bi-tool', password: f.biKey, database: 'warden', ssl: false });
    await expect(client.connect()).rejects.toMatchObject({ code: '28000', severity: 'FATAL', message: 'a password is never accepted over a plaintext connection: connect with `sslmode=require`' });
    const viaPsql = await psqlTo('disable', 'SELECT 1');
    expect(viaPsql.code).not.toBe(0);
    expect(viaPsql.out).toContain('FATAL:  a password is never accepted over a plaintext connection');
    expect(f.engine.connections).toBe(0);
    // A login (even a refused one) is audited: none ran, the key was never read.
    expect(await logins()).toBe(before);
  });

  it('over TLS, node-postgres and psql log in and query through the policies', async () => {
    const client = new pg.Client({ host, port: f.engine.port, user: 'bi-tool', password: f.biKey, database: 'warden', ssl: { ca: certificate } });
    await client.connect();
    try {
      await client.query("CALL warden.impersonate_user('smwilliams@example.com')");
      // smwilliams sees the 15 orders of Ohio and Michigan, and customers' emails masked.
      const { rows } = await client.query('SELECT current_user AS u, count(*)::int AS n, min(c.email) AS email FROM crm.orders o JOIN crm.customers c ON c.id = o.customer_id');
      expect(rows).toEqual([{ u: 'smwilliams@example.com', n: 15, email: 'REDACTED' }]);
    } finally {
      await client.end();
    }
    expect(await psqlTo('require', 'SELECT current_user')).toEqual({ code: 0, out: 'bi-tool' });
  });
});

describe('a client that never finishes logging in', () => {
  it('is disconnected after the authentication timeout with FATAL 57014, whether it sent nothing or no password', async () => {
    const engine = await startQueryEngine({ services: f.services, backend: f.backend, host: '127.0.0.1', port: 0, authenticationTimeoutMs: 300 });
    try {
      const [silent, noPassword] = await Promise.all([rawAnswer('127.0.0.1', engine.port), rawAnswer('127.0.0.1', engine.port, startup())]);
      for (const { bytes, ms } of [silent, noPassword]) {
        expect(ms).toBeGreaterThanOrEqual(290);
        expect(ms).toBeLessThan(5000);
        expect(bytes.toString('utf8')).toContain('C57014');
        expect(bytes.toString('utf8')).toContain('Mcanceling authentication due to timeout');
      }
      // The one that sent its startup was asked for a password first (AuthenticationCleartextPassword).
      expect([...noPassword.bytes.subarray(0, 9)]).toEqual([0x52, 0, 0, 0, 8, 0, 0, 0, 3]);
      expect(silent.bytes[0]).toBe(0x45);
      expect(engine.connections).toBe(0);
    } finally {
      await engine.close();
    }
  });
});
