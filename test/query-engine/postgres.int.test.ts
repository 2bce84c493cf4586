import { connect } from 'node:net';
import { serialize } from 'pg-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoDatabaseSql } from '#query-engine/backend/demo-database.ts';
import pg from 'pg';
import type { Logger } from '#shared/log/logger.ts';
import { postgresBackend } from '#query-engine/backend/postgres.ts';
import { startQueryEngine } from '#query-engine/server.ts';
import { adminSql, startPostgres, type PostgresServer } from './postgres-server.ts';
import { asBiTool, asEdixon, engineFixture, pgClient, type EngineFixture } from './support.ts';

let server: PostgresServer;
let f: EngineFixture;

beforeAll(async () => {
  server = await startPostgres();
  await adminSql(server, 'postgres', 'CREATE DATABASE warden');
  await adminSql(server, 'warden', demoDatabaseSql());
  // A user's function in a schema on the path must not run: it could read tables the rewrite never saw.
  await adminSql(server, 'warden', 'CREATE FUNCTION public.leak() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM hr.employees $$');
  f = await engineFixture({ backend: await postgresBackend(server.url('warden')) });
}, 120_000);

afterAll(async () => {
  await f?.close();
  await server?.stop();
});

const lines = (out: string) => out.split('\n').filter((l) => l && !/^(SET|CALL|IMPERSONATE|BEGIN|COMMIT|ROLLBACK)$/.test(l));

describe('a real PostgreSQL 15 backend', () => {
  it('seed 000 over psql: impersonation, masks and SHOW', async () => {
    const r = await asEdixon(f, "SET warden.impersonation_iamid = 'okta';\nSET warden.impersonation_userid = 'bob';\nSELECT id, length(ssn) FROM hr.employees ORDER BY id LIMIT 2;\nSHOW warden.impersonation_userid;\n");
    expect(r.stderr).toBe('');
    expect(lines(r.stdout)).toEqual(['1|64', '2|64', 'bob']);
  });

  it('seed 001 and 002 with row filters, joins and the search path', async () => {
    const r = await asBiTool(f, `CALL warden.impersonate_user('smwilliams@example.com');
SET search_path = crm;
SELECT count(*), min(c.email) FROM orders o JOIN customers c ON c.id = o.customer_id;
SELECT (CASE WHEN has_group('HR') THEN address ELSE '***' END) FROM customers ORDER BY id LIMIT 1;
BEGIN;
SELECT count(*) FROM crm.orders;
COMMIT;
`);
    expect(r.stderr).toBe('');
    expect(lines(r.stdout)).toEqual(['15|REDACTED', '***', '15']);
  });

  it('node-postgres parameters and prepared statements', async () => {
    const c = await pgClient(f.engine, 'bi-tool', f.biKey);
    try {
      await c.query("CALL warden.impersonate_user('bob')");
      const q = { name: 'by-region', text: 'SELECT count(*)::int AS n FROM crm.orders WHERE region = $1', values: ['Ohio'] };
      expect((await c.query(q)).rows).toEqual([{ n: 9 }]);
      expect((await c.query({ ...q, values: ['Indiana'] })).rows).toEqual([{ n: 6 }]);
    } finally {
      await c.end();
    }
  });

  it('refuses a user-defined function on the path, and writes (also refused by the read-only session)', async () => {
    const r = await asBiTool(f, '\\set VERBOSITY verbose\nSELECT leak();\n');
    expect(r.stderr).toContain('42501');
    expect(r.stderr).toContain('function `leak` is not allowed');
    const w = await asBiTool(f, '\\set VERBOSITY verbose\nUPDATE crm.orders SET amount = 0;\n');
    expect(w.stderr).toContain('42501');
  });

  it('a cancel request stops a running query', async () => {
    const c = await pgClient(f.engine, 'bi-tool', f.biKey);
    try {
      const running = c.query('SELECT pg_sleep(30)').catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 300));
      const started = performance.now();
      // The client's BackendKeyData is the engine's; a CancelRequest on a new connection names it.
      const key = c as unknown as { processID: number; secretKey: number };
      await new Promise<void>((resolve) => {
        const socket = connect(f.engine.port, '127.0.0.1', () => socket.end(serialize.cancel(key.processID, key.secretKey)));
        socket.on('close', () => resolve());
      });
      expect(((await running) as { code?: string }).code).toBe('57014');
      expect(performance.now() - started).toBeLessThan(10_000);
    } finally {
      await c.end();
    }
  });
});

describe('a fault of the engine', () => {
  it('at login (the backend refuses the session): the client gets FATAL XX000 without the cause, and the log has the cause', async () => {
    await adminSql(server, 'postgres', 'CREATE ROLE doomed_engine LOGIN');
    await adminSql(server, 'postgres', 'CREATE DATABASE doomed');
    const backend = await postgresBackend(server.url('doomed').replace('postgres@', 'doomed_engine@'));
    const errors: Array<{ message: string; fields: Record<string, unknown> | undefined }> = [];
    const log: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: (message, fields) => void errors.push({ message, fields }), child: () => log, addLambdaContext: () => undefined };
    const engine = await startQueryEngine({ services: { ...f.services, log }, backend, host: '127.0.0.1', port: 0 });
    // The backend started; from now on it refuses every new session of its role.
    await adminSql(server, 'postgres', 'REVOKE CONNECT ON DATABASE doomed FROM PUBLIC');
    try {
      const client = new pg.Client({ host: '127.0.0.1', port: engine.port, user: 'bi-tool', password: f.biKey, database: 'doomed' });
      await expect(client.connect()).rejects.toMatchObject({ code: 'XX000', severity: 'FATAL', message: 'internal error in the warden query engine' });
      expect(errors).toEqual([{ message: 'query engine fault', fields: { error: expect.stringContaining('permission denied for database "doomed"') } }]);
    } finally {
      await engine.close();
      await backend.close();
    }
  });
});
