import { createHash } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dialect } from '#shared/model/decision.ts';
import type { Subject } from '#shared/model/identity.ts';
import { evaluateDataPlan, planDataPolicies } from '#shared/policy/data/index.ts';
import { at, CREATE, enginePolicies, INSERT, USERS } from './engine-fixtures.ts';
import { TRUSTED } from './fixtures.ts';

type Row = Record<string, unknown>;
const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('postgres dialect on PostgreSQL (pglite)', () => {
  let pg: PGlite;
  const plan = planDataPolicies(at('postgres', 'public'), enginePolicies(true), TRUSTED);
  // Dates as the engine's text, so assertions do not depend on the time zone.
  const rows = async (who: Subject): Promise<Row[]> =>
    (await pg.query<Row>(evaluateDataPlan(plan, who, 'postgres').query, [], { parsers: { 1082: (v: string) => v } })).rows.sort((a, b) => String(a.address).localeCompare(String(b.address)));

  beforeAll(async () => {
    pg = await PGlite.create();
    await pg.exec(`${CREATE}; ${INSERT}`);
  });
  afterAll(() => pg.close());

  it('shows a cleared user clear PII, showLast SSN, regex email, rounded numbers and dates', async () => {
    expect(await rows(USERS.ann)).toEqual([
      { id: 1, name: 'Ann', ssn: '*******6789', email: '***@x.com', phone: '555-0101', salary: 50000, hired: '2024-05-17', region: 'Ohio', dept: 'REDACTED', country: 'US', address: '***' },
    ]);
  });

  it('hashes for a user without the attribute, equal to sha256 of the text, NULL kept', async () => {
    const r = await rows(USERS.smwilliams);
    expect(r.map((x) => x.name)).toEqual([sha('Bob'), sha('Cy')]);
    expect(r.map((x) => x.phone)).toEqual([sha('555-0102'), sha('555-0103')]);
    // The winning showLast excepts HR: the clear SSN shows, not the losing hash.
    expect(r.map((x) => x.ssn)).toEqual(['987-65-4321', null]);
    // Cell-level: only the French row loses its country.
    expect(r.map((x) => x.country)).toEqual([null, 'US']);
    expect(r.map((x) => x.salary)).toEqual([60000, 40000]);
  });

  it('exempts a row filter for its exception and keeps quoting-heavy values literal', async () => {
    const r = await rows(USERS.exec);
    expect(r.map((x) => [x.id, x.address, x.dept])).toEqual([
      [1, '1 Main St', 'Sales'],
      [3, '3 Elm', 'HR'],
      [4, '4 Oak', 'Sales'],
    ]);
  });

  it('hashes with a salt only for included users', async () => {
    expect((await rows(USERS.con)).map((x) => x.id)).toEqual([sha('s11')]);
    expect((await rows(USERS.ann)).map((x) => x.id)).toEqual([1]);
  });

  it('expands @username and get_attribute into literals', async () => {
    expect((await rows(USERS.guest)).map((x) => x.name)).toEqual([sha('Ann'), sha('Cy'), sha("O'Neil")]);
  });

  it('shows no rows to a user without the filtering attribute', async () => {
    expect(await rows(USERS.nobody)).toEqual([]);
  });
});

describe('trino dialect (shared ANSI part) on DuckDB', () => {
  let conn: DuckDBConnection;
  const plan = planDataPolicies(at('memory', 'main'), enginePolicies(false), TRUSTED);
  const rows = async (who: Subject, dialect: Dialect = 'trino'): Promise<Row[]> => {
    const reader = await conn.runAndReadAll(evaluateDataPlan(plan, who, dialect).query);
    return (reader.getRowObjectsJson() as Row[]).sort((a, b) => String(a.address).localeCompare(String(b.address)));
  };

  beforeAll(async () => {
    conn = await (await DuckDBInstance.create(':memory:')).connect();
    await conn.run(CREATE);
    await conn.run(INSERT);
  });
  afterAll(() => conn.closeSync());

  it('masks showLast, rounding, constant, custom and cell-level NULL for each user', async () => {
    expect(await rows(USERS.smwilliams)).toEqual([
      { id: 2, name: 'Bob', ssn: '987-65-4321', email: 'bob@x.com', phone: '555-0102', salary: 60000, hired: '2023-10-20', region: 'Michigan', dept: 'REDACTED', country: null, address: '***' },
      { id: 3, name: 'Cy', ssn: null, email: 'cy@x.com', phone: '555-0103', salary: 40000, hired: '2022-01-28', region: 'Ohio', dept: 'REDACTED', country: 'US', address: '***' },
    ]);
    expect((await rows(USERS.ann)).map((x) => [x.id, x.ssn])).toEqual([[1, '*******6789']]);
  });

  it('applies both row filters, their exception and the Canner functions', async () => {
    expect((await rows(USERS.exec)).map((x) => [x.id, x.address, x.dept])).toEqual([
      [1, '1 Main St', 'Sales'],
      [3, '3 Elm', 'HR'],
      [4, '4 Oak', 'Sales'],
    ]);
    expect((await rows(USERS.guest)).map((x) => x.id)).toEqual([1, 3, 4]);
    expect(await rows(USERS.nobody)).toEqual([]);
  });
});
