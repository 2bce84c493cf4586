import { describe, expect, it } from 'vitest';
import { castableType, inList, maskSql, sqlDialect, typeKind } from '#shared/policy/sql/index.ts';

describe('literals and identifiers', () => {
  it.each([
    ['postgres', "it's a \\ back", "E'it''s a \\\\ back'", '"we""ird"'],
    ['trino', "it's a \\ back", "'it''s a \\ back'", '"we""ird"'],
    ['snowflake', "it's a \\ back", "'it''s a \\\\ back'", '"we""ird"'],
    ['databricks', "it's a \\ back", "'it\\'s a \\\\ back'", '`we"ird`'],
  ] as const)('%s escapes quotes and backslashes its own way', (dialect, value, literal, ident) => {
    const d = sqlDialect(dialect);
    expect(d.string(value)).toBe(literal);
    expect(d.ident('we"ird')).toBe(ident);
  });

  it('doubles backticks in Databricks names and drops NUL everywhere', () => {
    expect(sqlDialect('databricks').ident('a`b')).toBe('`a``b`');
    expect(sqlDialect('postgres').string('a\u0000b')).toBe("'a\uFFFDb'");
  });

  it('writes PostgreSQL literals that mean the same whatever standard_conforming_strings is', () => {
    const pg = sqlDialect('postgres');
    expect(pg.string("O'Hare")).toBe("'O''Hare'");
    expect(pg.string("\\')) OR TRUE --")).toBe("E'\\\\'')) OR TRUE --'");
    expect(pg.regexReplace('"c"', '\\d', "\\'")).toBe(`regexp_replace(CAST("c" AS text), E'\\\\d', E'\\\\''', 'g')`);
  });

  it('writes an empty IN list as FALSE', () => {
    expect(inList(sqlDialect('trino'), '"r"', [])).toBe('FALSE');
    expect(inList(sqlDialect('trino'), '"r"', ['a', "b'"])).toBe(`"r" IN ('a', 'b''')`);
  });
});

describe('masks are type-aware', () => {
  const pg = sqlDialect('postgres');
  it('keeps the column type of NULL, constants and rounding', () => {
    expect(maskSql(pg, { type: 'null' }, '"n"', 'bigint')).toEqual({ sql: 'CAST(NULL AS bigint)' });
    expect(maskSql(pg, { type: 'constant', value: 0 }, '"n"', 'numeric(10,2)')).toEqual({ sql: 'CAST(0 AS numeric(10,2))' });
    expect(maskSql(pg, { type: 'rounding', bucketSize: 5 }, '"n"', 'integer')).toEqual({ sql: 'CAST(FLOOR("n" / 5.0) * 5.0 AS integer)' });
    expect(maskSql(pg, { type: 'rounding', bucketSize: 3600 }, '"t"', 'timestamp')).toEqual({
      sql: `CAST((date_trunc('second', "t") - mod(mod(CAST(extract(epoch from date_trunc('second', "t")) AS bigint), 3600) + 3600, 3600) * interval '1 second') AS timestamp)`,
    });
  });

  it('refuses showLast and regex on numbers, and casts no catalog text that is not a plain type', () => {
    expect(maskSql(pg, { type: 'showLast', count: 4 }, '"n"', 'integer')).toEqual({ error: '`showLast` masking does not apply to a column of type `integer`' });
    expect(maskSql(pg, { type: 'null' }, '"n"', 'int) AS x FROM y --')).toEqual({ sql: 'NULL' });
    expect(castableType('timestamp with time zone')).toBe('timestamp with time zone');
  });

  it('hashes with the salt in front of the text', () => {
    expect(maskSql(sqlDialect('databricks'), { type: 'hash', salt: "s'" }, '`c`', 'string')).toEqual({ sql: "sha2('s\\'' || CAST(`c` AS STRING), 256)" });
    expect(maskSql(sqlDialect('trino'), { type: 'hash' }, '"c"', 'varchar')).toEqual({ sql: 'lower(to_hex(sha256(to_utf8(CAST("c" AS varchar)))))' });
  });

  it('classifies types', () => {
    expect(['VARCHAR(20)', 'NUMBER(10,2)', 'timestamp_ntz', 'date', 'BOOLEAN', 'variant'].map(typeKind)).toEqual(['string', 'number', 'timestamp', 'date', 'boolean', 'other']);
  });
});
