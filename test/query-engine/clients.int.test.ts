import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '#shared/auth/caller.ts';
import { PERMISSIONS } from '#shared/model/identity.ts';
import { endSessionsOf } from '#shared/impersonation/session-admin.ts';
import { auditRecords } from '../support/services.ts';
import { asBiTool, engineFixture, pgClient, type EngineFixture } from './support.ts';

let f: EngineFixture;
beforeAll(async () => {
  f = await engineFixture();
});
afterAll(() => f?.close());

const admin: Caller = { principal: { type: 'service', id: 'admin' }, permissions: new Set(PERMISSIONS), via: 'api-key' };
const sqlstate = (err: unknown) => (err as { code?: string }).code;

describe('login', () => {
  it('a wrong key is 28P01, audited without the key', async () => {
    const err = await pgClient(f.engine, 'bi-tool', 'wdn_not-a-key').catch((e: unknown) => e);
    expect(sqlstate(err)).toBe('28P01');
    const record = (await auditRecords(f.services)).filter((a) => a.action === 'AUTHENTICATE' && a.targetType === 'queryEngine').at(-1);
    expect(record).toMatchObject({ actionStatus: 'UNAUTHORIZED', payload: { user: 'bi-tool', reason: 'invalid api key' } });
    expect(JSON.stringify(record)).not.toContain('wdn_not-a-key');
  });

  it('a user name that is not the key\'s principal is 28P01', async () => {
    const err = await pgClient(f.engine, 'okta/jdoe', f.biKey).catch((e: unknown) => e);
    expect(sqlstate(err)).toBe('28P01');
  });

  it('a user logs in as itself and queries with its own access', async () => {
    const c = await pgClient(f.engine, 'okta/jdoe', f.jdoeKey);
    try {
      const { rows } = await c.query('SELECT ssn FROM hr.employees WHERE id = $1', [1]);
      expect(rows).toEqual([{ ssn: '123-45-6789' }]);
    } finally {
      await c.end();
    }
  });

  it('a user without IMPERSONATE_USER may not impersonate (42501, audited)', async () => {
    const c = await pgClient(f.engine, 'okta/jdoe', f.jdoeKey);
    try {
      const err = await c.query("SET warden.impersonation_userid = 'bob'").catch((e: unknown) => e);
      expect(sqlstate(err)).toBe('42501');
      const refused = (await auditRecords(f.services)).filter((a) => a.action === 'IMPERSONATE' && a.actionStatus === 'UNAUTHORIZED').at(-1);
      expect(refused).toMatchObject({ userId: 'okta/bob' });
    } finally {
      await c.end();
    }
  });
});

describe('node-postgres: the extended protocol', () => {
  it('parameterised queries are rewritten and their values bound as the client sent them', async () => {
    const c = await pgClient(f.engine, 'bi-tool', f.biKey);
    try {
      await c.query("CALL warden.impersonate_user('smwilliams@example.com')");
      const { rows } = await c.query('SELECT o.id, c.email FROM crm.orders o JOIN crm.customers c ON c.id = o.customer_id WHERE o.amount > $1 AND c.name <> $2 ORDER BY o.id LIMIT 3', [0, "O'Hara; DROP TABLE x"]);
      expect(rows.length).toBe(3);
      expect(rows.every((r: { email: string }) => r.email === 'REDACTED')).toBe(true);
      const count = await c.query({ text: 'SELECT count(*)::int AS n FROM crm.orders WHERE region = ANY($1::text[])', values: [['Ohio', 'Indiana']] });
      expect(count.rows).toEqual([{ n: 9 }]);
    } finally {
      await c.end();
    }
  });

  it('a named prepared statement is decided afresh at every execution (the user changed in between)', async () => {
    const c = await pgClient(f.engine, 'bim/edixon@example.com', f.edixonKey);
    try {
      const q = { name: 'emails', text: 'SELECT email FROM crm.customers WHERE id = $1', values: [1] };
      expect((await c.query(q)).rows).toEqual([{ email: 'REDACTED' }]);
      await c.query("IMPERSONATE \"jdoe\"");
      expect((await c.query(q)).rows).toEqual([{ email: 'contact@acmecorp.example' }]);
      const shown = await c.query({ text: 'SHOW warden.impersonation_userid', values: [] });
      expect(shown.rows).toEqual([{ 'warden.impersonation_userid': 'jdoe' }]);
    } finally {
      await c.end();
    }
  });

  it('two connections prepare a statement of the same name, one after the other ended, on the one embedded session', async () => {
    const q = { name: 'same', text: 'SELECT $1::int AS n', values: [7] };
    const first = await pgClient(f.engine, 'bi-tool', f.biKey);
    expect((await first.query(q)).rows).toEqual([{ n: 7 }]);
    const second = await pgClient(f.engine, 'bi-tool', f.biKey);
    try {
      expect((await second.query(q)).rows).toEqual([{ n: 7 }]);
      await first.end();
      const third = await pgClient(f.engine, 'bi-tool', f.biKey);
      expect((await third.query(q)).rows).toEqual([{ n: 7 }]);
      await third.end();
    } finally {
      await second.end();
    }
  });

  it('a refusal in the extended protocol is 42501 and the connection goes on', async () => {
    const c = await pgClient(f.engine, 'bi-tool', f.biKey);
    try {
      const err = await c.query('SELECT * FROM public.regions WHERE name = $1', ['Ohio']).catch((e: unknown) => e);
      expect(sqlstate(err)).toBe('42501');
      expect((await c.query('SELECT $1::int + 1 AS n', [41])).rows).toEqual([{ n: 42 }]);
    } finally {
      await c.end();
    }
  });
});

describe('revocation mid-connection', () => {
  it('ending the session through the API stops the connection\'s next query', async () => {
    const c = await pgClient(f.engine, 'bi-tool', f.biKey);
    const closed = new Promise<void>((resolve) => c.on('end', () => resolve()));
    c.on('error', () => undefined);
    await c.query("CALL warden.impersonate_user('bob')");
    expect((await c.query('SELECT count(*)::int AS n FROM crm.orders')).rows).toEqual([{ n: 24 }]);
    expect(await endSessionsOf(f.services, admin, { type: 'service', id: 'bi-tool' })).toBeGreaterThan(0);
    // The verifier reuses a verdict for at most a second.
    await new Promise((r) => setTimeout(r, 1100));
    const err = await c.query('SELECT count(*) FROM crm.orders').catch((e: unknown) => e);
    expect(sqlstate(err)).toBe('42501');
    expect((err as Error).message).toContain('the impersonation of this connection was revoked');
    await closed;
  });
});

describe('many connections', () => {
  it('50 concurrent connections, half impersonating, each sees its own user\'s rows', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const c = new pg.Client({ host: '127.0.0.1', port: f.engine.port, user: 'bi-tool', password: f.biKey, database: 'warden' });
        await c.connect();
        try {
          if (i % 2) {
            await c.query(`CALL warden.impersonate_user('${i % 4 === 1 ? 'bob' : 'smwilliams@example.com'}')`);
            return (await c.query('SELECT count(*)::int AS n FROM crm.orders')).rows[0].n as number;
          }
          return sqlstate(await c.query('SELECT count(*) FROM crm.orders').catch((e: unknown) => e));
        } finally {
          await c.end();
        }
      }),
    );
    results.forEach((r, i) => expect(r).toBe(i % 2 ? (i % 4 === 1 ? 24 : 15) : '42501'));
  });

  it('psql and node-postgres at once', async () => {
    const [a, b] = await Promise.all([asBiTool(f, 'SELECT 1;\n'), pgClient(f.engine, 'bi-tool', f.biKey).then(async (c) => (await c.query('SELECT 2 AS n')).rows.at(0) && c.end())]);
    expect(a.stdout).toBe('1');
    expect(b).toBeUndefined();
  });
});
