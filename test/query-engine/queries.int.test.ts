import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQueryEngine, type QueryEngine } from '#query-engine/server.ts';
import { asBiTool, engineFixture, psql, type EngineFixture } from './support.ts';

let f: EngineFixture;
beforeAll(async () => {
  f = await engineFixture();
});
afterAll(() => f?.close());

/** As smwilliams (Ohio and Michigan, not HR), through bi-tool: 15 of the 24 orders, emails masked. */
const asSam = (sql: string) => asBiTool(f, `\\set VERBOSITY verbose\nCALL warden.impersonate_user('smwilliams@example.com');\n${sql}`);
const lines = (out: string) => out.split('\n').filter((l) => l && l !== 'CALL' && l !== 'SET');

describe('the rewrite keeps the query as written and applies masks and row filters', () => {
  it.each([
    ['a plain reference', 'SELECT count(*) FROM crm.orders;', ['15']],
    ['an alias and a join', 'SELECT count(*), count(DISTINCT c.email), min(c.email) FROM crm.orders AS o JOIN crm.customers c ON c.id = o.customer_id;', ['15|1|REDACTED']],
    ['a schema-qualified column of an unaliased source', 'SELECT count(crm.orders.id) FROM crm.orders;', ['15']],
    ['a CTE that shadows nothing', 'WITH o AS (SELECT region FROM crm.orders) SELECT count(*) FROM o;', ['15']],
    ['a CTE named like the table', 'WITH orders AS (SELECT * FROM crm.orders WHERE amount > 0) SELECT count(*) FROM orders;', ['15']],
    ['a subquery in FROM and in WHERE', "SELECT count(*) FROM (SELECT * FROM crm.orders) x WHERE x.customer_id IN (SELECT id FROM crm.customers WHERE email = 'REDACTED');", ['15']],
    ['a set operation', "SELECT region FROM crm.orders UNION SELECT region FROM crm.orders ORDER BY 1;", ['Michigan', 'Ohio']],
    ['a lateral join', 'SELECT count(*) FROM crm.customers c, LATERAL (SELECT * FROM crm.orders o WHERE o.customer_id = c.id) l;', ['15']],
    ['EXPLAIN reads the rewritten plan', 'EXPLAIN (COSTS OFF) SELECT * FROM crm.orders;', expect.arrayContaining([expect.stringMatching(/Filter:.*region/)])],
    ['the search path', 'SET search_path = crm, public;\nSELECT count(*), min(email) FROM orders JOIN customers ON customers.id = orders.customer_id;', ['15|REDACTED']],
  ])('%s', async (_name, sql, expected) => {
    const r = await asSam(sql);
    expect(r.stderr).toBe('');
    expect(lines(r.stdout)).toEqual(expected);
  });

  it('a masked column keeps its name and a compatible type (a hashed varchar is text)', async () => {
    const r = await asBiTool(f, "CALL warden.impersonate_user('bob');\n\\x off\n\\pset tuples_only off\nSELECT pg_typeof(ssn), ssn IS NOT NULL AS present FROM hr.employees LIMIT 1;\n");
    expect(r.stdout).toContain('pg_typeof|present');
    expect(r.stdout).toMatch(/^text\|t$/m);
  });
});

describe('refused before the backend (42501)', () => {
  it.each(
    Object.entries({
      DELETE: 'DELETE FROM crm.orders;',
      'a data-modifying CTE': 'WITH d AS (DELETE FROM crm.orders RETURNING *) SELECT * FROM d;',
      DDL: 'CREATE TABLE public.t (x int);',
      COPY: 'COPY crm.orders TO STDOUT;',
      DO: "DO $$ BEGIN PERFORM 1; END $$;",
      'row locks': 'SELECT * FROM crm.orders FOR UPDATE;',
    }),
  )('%s', async (_name, sql) => {
    const r = await asSam(sql);
    expect(r.stderr).toContain('42501');
    expect(r.stderr).toContain('read-only');
  });

  it.each([
    ['INSERT', "INSERT INTO crm.orders VALUES (99, 1, 'Ohio', 1);", 'is not allowed: the query engine is read-only'],
    ['SET ROLE', 'SET ROLE postgres;', '`SET ROLE`'],
    ['SET SESSION AUTHORIZATION', 'SET SESSION AUTHORIZATION postgres;', '`SET SESSION AUTHORIZATION`'],
    ['a server file function', "SELECT pg_read_file('/etc/passwd');", 'function `pg_read_file` is not allowed'],
    ['a large-object function', 'SELECT lo_import(\'/etc/passwd\');', 'is not allowed'],
    ['an unregistered table (fail closed)', 'SELECT * FROM public.regions;', 'table `public.regions` is not a registered data source'],
    ['statistics that leak values', 'SELECT * FROM pg_catalog.pg_stats;', 'is not readable through the query engine'],
  ])('%s', async (_name, sql, message) => {
    const r = await asSam(sql);
    expect(r.stderr).toContain('42501');
    expect(r.stderr).toContain(message);
  });

  it('a pass-through schema is read as it is', async () => {
    let open: QueryEngine | undefined;
    try {
      open = await startQueryEngine({ services: f.services, backend: f.backend, host: '127.0.0.1', port: 0, passThroughSchemas: ['public'] });
      const r = await psql(open, 'bi-tool', f.biKey, 'SELECT count(*) FROM public.regions;\n');
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe('4');
    } finally {
      await open?.close();
    }
  });
});

describe('system catalogs stay readable', () => {
  it('psql \\d describes a source and \\dt lists tables', async () => {
    const r = await asBiTool(f, '\\d crm.orders\n\\dt crm.*\n');
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('customer_id');
    expect(r.stdout).toContain('crm|customers|table');
  });

  it('information_schema answers BI introspection', async () => {
    const r = await asBiTool(f, "SELECT column_name FROM information_schema.columns WHERE table_schema = 'crm' AND table_name = 'orders' ORDER BY ordinal_position;\n");
    expect(r.stdout.split('\n')).toEqual(['id', 'customer_id', 'region', 'amount']);
  });
});
