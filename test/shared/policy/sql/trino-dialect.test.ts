import { createHash } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { TrinoSQL } from 'dt-sql-parser';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltInMasking } from '#shared/policy/sql/index.ts';
import { maskSql, sqlDialect } from '#shared/policy/sql/index.ts';
import { trinoType } from '#shared/policy/sql/trino-types.ts';

const trino = sqlDialect('trino');
const parser = new TrinoSQL();

// Trino's scalar types (docs: "Data types") and the functions Warden may call (docs: string,
// binary, date and time, mathematical functions). Nothing else may appear in emitted SQL.
const TRINO_TYPE = /^(varchar(\(\d+\))?|char\(\d+\)|tinyint|smallint|integer|bigint|real|double|decimal\(\d+, \d+\)|boolean|date|timestamp(\(\d+\))?( with time zone)?)$/;
const TRINO_FUNCTIONS = new Set(['lower', 'to_hex', 'sha256', 'to_utf8', 'regexp_replace', 'date_trunc', 'date_diff', 'mod', 'length', 'lpad', 'substr', 'cast', 'floor']);
const KEYWORDS = new Set(['in', 'and', 'or', 'not', 'when', 'then', 'else', 'as', 'end', 'case', 'where', 'from', 'select']);

/** Catalog types as the four engines' catalogs spell them. */
const CATALOG_TYPES = ['varchar', 'varchar(20)', 'text', 'string', 'char(3)', 'integer', 'int', 'int4', 'bigint', 'int8', 'smallint', 'numeric', 'numeric(10,2)', 'NUMBER(38,0)', 'decimal(12, 2)',
  'double precision', 'float', 'float8', 'real', 'boolean', 'bool', 'date', 'timestamp', 'timestamp(3)', 'timestamp_ntz', 'timestamptz', 'timestamp with time zone', 'TIMESTAMP_LTZ', 'variant', 'int) AS x FROM y --'];

/** Literal text with every character that ends or escapes a literal somewhere. */
const hostile = fc.string({ unit: fc.constantFrom("'", '"', '\\', '`', '-', '*', '/', ';', ' ', 'a', 'é', '\u0000', '\n', '$', '?', '😀'), maxLength: 12 });

const masking: fc.Arbitrary<BuiltInMasking> = fc.oneof(
  fc.constant({ type: 'null' as const }),
  fc.oneof(hostile, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean()).map((value) => ({ type: 'constant' as const, value })),
  fc.option(hostile, { nil: undefined }).map((salt) => ({ type: 'hash' as const, ...(salt === undefined ? {} : { salt }) })),
  fc.record({ pattern: hostile, replacement: hostile }).map((r) => ({ type: 'regex' as const, ...r })),
  fc.oneof(fc.integer({ min: 1, max: 1_000_000 }), fc.constantFrom(0.5, 0.25, 86400)).map((bucketSize) => ({ type: 'rounding' as const, bucketSize })),
  fc.integer({ min: 0, max: 20 }).map((count) => ({ type: 'showLast' as const, count })),
);

/** The SQL with its string literals blanked, and the literals' values (Trino: `''` is a quote, nothing else escapes). */
function literals(sql: string): { readonly code: string; readonly values: string[] } {
  const values: string[] = [];
  const code = sql.replace(/'((?:[^']|'')*)'/g, (_, body: string) => {
    values.push(body.replaceAll("''", "'"));
    return "''";
  });
  return { code, values };
}

/** Every expression must parse with Trino's grammar and use only Trino's types and functions. */
function assertTrino(sql: string): void {
  expect(parser.validate(`SELECT ${sql} AS masked FROM t`), sql).toEqual([]);
  namesAreTrino(sql);
}

/** Every CAST target is a Trino type and every call a Trino function. */
function namesAreTrino(sql: string): void {
  const { code } = literals(sql);
  const castType = / AS ([A-Za-z][A-Za-z0-9_ ]*(?:\(\d+(?:, \d+)?\))?(?: with time zone)?)\)/g;
  for (const [, type] of code.matchAll(castType)) expect(type, sql).toMatch(TRINO_TYPE);
  // With the CAST targets gone, every `name(` left is a function call.
  for (const [, name] of code.replace(castType, ')').matchAll(/\b([A-Za-z_][A-Za-z0-9_]*)\s*\(/g)) if (!KEYWORDS.has(name!.toLowerCase())) expect(TRINO_FUNCTIONS, `${name} in ${sql}`).toContain(name!.toLowerCase());
}

describe('the Trino dialect', () => {
  it('maps catalog types to Trino types, and writes none it has no faithful spelling of', () => {
    expect(trinoType('numeric')).toBeNull();
    expect(trinoType('numeric(10,2)')).toBe('decimal(10, 2)');
    expect(trinoType('text')).toBe('varchar');
    expect(trinoType('timestamptz')).toBe('timestamp with time zone');
    expect(trinoType('int4')).toBe('integer');
    expect(trinoType('variant')).toBeNull();
    expect(maskSql(trino, { type: 'constant', value: 0 }, '"n"', 'numeric(10,2)')).toEqual({ sql: 'CAST(0 AS decimal(10, 2))' });
    expect(maskSql(trino, { type: 'null' }, '"n"', 'numeric')).toEqual({ sql: 'NULL' });
  });

  it('rounds numbers down without changing their type: an integer stays an integer', () => {
    expect(maskSql(trino, { type: 'rounding', bucketSize: 10000 }, '"salary"', 'integer')).toEqual({ sql: 'CAST(("salary" - mod(mod("salary", 10000) + 10000, 10000)) AS integer)' });
    expect(maskSql(trino, { type: 'rounding', bucketSize: 10000 }, '"amount"', 'numeric')).toEqual({ sql: '("amount" - mod(mod("amount", 10000) + 10000, 10000))' });
  });

  it('parses every mask of every kind, column type and hostile literal with Trino’s grammar, with Trino types and functions only', () => {
    fc.assert(
      fc.property(masking, fc.constantFrom(...CATALOG_TYPES), (m, type) => {
        const out = maskSql(trino, m, '"c"', type);
        if ('error' in out) return;
        assertTrino(out.sql);
        const { values } = literals(out.sql);
        // A hostile value is one literal, read back exactly (NUL aside, which never reaches SQL).
        const given = m.type === 'hash' ? m.salt : m.type === 'regex' ? m.pattern : m.type === 'constant' && typeof m.value === 'string' ? m.value : undefined;
        if (given !== undefined && !(m.type === 'constant' && type === 'int) AS x FROM y --')) expect(values).toContain(given.replaceAll('\u0000', '\uFFFD'));
      }),
      { numRuns: 400 },
    );
  });
});

describe('hash masks give the same hex in Trino and PostgreSQL', () => {
  let pg: PGlite;
  beforeAll(async () => {
    pg = await PGlite.create();
  });
  afterAll(async () => {
    await pg.close();
  });

  // Trino's documented functions: to_utf8 (varchar → its UTF-8 bytes), sha256 (bytes → 32 bytes),
  // to_hex (bytes → uppercase hex), lower. The Trino mask is exactly that chain over the salt
  // literal and the value's text, so its hex is SHA-256 of the UTF-8 of salt || text: the vectors
  // below are computed by Node's own SHA-256, and PostgreSQL executes its mask to match them.
  it('known vectors: the empty string and `abc`', () => {
    expect(createHash('sha256').update('abc').digest('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(createHash('sha256').update('').digest('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('for any salt and text value', async () => {
    await fc.assert(
      fc.asyncProperty(fc.option(hostile, { nil: undefined }), fc.string({ maxLength: 20 }).filter((v) => !v.includes('\u0000')), async (salt, value) => {
        const m = { type: 'hash' as const, ...(salt === undefined ? {} : { salt }) };
        const t = maskSql(trino, m, '"c"', 'varchar');
        const p = maskSql(sqlDialect('postgres'), m, '"c"', 'varchar');
        if ('error' in t || 'error' in p) throw new Error('a hash applies to every type');
        const expected = createHash('sha256').update(`${(salt ?? '').replaceAll('\u0000', '\uFFFD')}${value}`, 'utf8').digest('hex');
        const row = await pg.query<{ h: string }>(`SELECT ${p.sql} AS h FROM (SELECT CAST($1 AS text) AS c) AS t`, [value]);
        expect(row.rows[0]!.h).toBe(expected);
        const text = salt === undefined ? 'CAST("c" AS varchar)' : `${trino.string(salt)} || CAST("c" AS varchar)`;
        expect(t.sql).toBe(`lower(to_hex(sha256(to_utf8(${text}))))`);
        if (salt !== undefined) expect(literals(t.sql).values).toEqual([salt.replaceAll('\u0000', '\uFFFD')]);
      }),
      { numRuns: 60 },
    );
  });
});

describe('whole Trino queries of the engine fixtures', () => {
  it('parse with Trino’s grammar and use only Trino types and functions, for every fixture user', async () => {
    const { evaluateDataPlan, planDataPolicies } = await import('#shared/policy/data/index.ts');
    const { at, enginePolicies, USERS } = await import('../data/engine-fixtures.ts');
    const { TRUSTED } = await import('../data/fixtures.ts');
    const plan = planDataPolicies(at('demo', 'public'), enginePolicies(true), TRUSTED);
    for (const who of Object.values(USERS)) {
      const query = evaluateDataPlan(plan, who, 'trino').query;
      expect(parser.validate(query), query).toEqual([]);
      namesAreTrino(query);
    }
  });
});
