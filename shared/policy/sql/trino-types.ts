import { castableType } from './column-type.ts';

// Catalog spellings (PostgreSQL, Snowflake, Spark, ANSI) of the scalar types Trino has, by
// Trino's name. Trino has no NUMERIC, TEXT, STRING, INT4 or TIMESTAMPTZ: CAST to one fails.
const SIMPLE: ReadonlyMap<string, string> = new Map([
  ...['varchar', 'text', 'string', 'citext', 'clob', 'nvarchar', 'character varying', 'name'].map((t) => [t, 'varchar'] as const),
  ...['tinyint', 'byteint', 'byte'].map((t) => [t, 'tinyint'] as const),
  ...['smallint', 'int2', 'short'].map((t) => [t, 'smallint'] as const),
  ...['integer', 'int', 'int4', 'mediumint'].map((t) => [t, 'integer'] as const),
  ...['bigint', 'int8', 'long'].map((t) => [t, 'bigint'] as const),
  ...['double', 'double precision', 'float', 'float8'].map((t) => [t, 'double'] as const),
  ...['real', 'float4'].map((t) => [t, 'real'] as const),
  ...['boolean', 'bool'].map((t) => [t, 'boolean'] as const),
  ['date', 'date'],
  ...['timestamp', 'timestamp without time zone', 'timestamp_ntz', 'datetime'].map((t) => [t, 'timestamp'] as const),
  ...['timestamp with time zone', 'timestamptz', 'timestamp_tz', 'timestamp_ltz'].map((t) => [t, 'timestamp with time zone'] as const),
]);

/** Types taking a length or a precision: Trino's name, and whether the catalog's number(s) carry over. */
const SIZED: ReadonlyMap<string, string> = new Map([
  ['varchar', 'varchar'],
  ['character varying', 'varchar'],
  ['nvarchar', 'varchar'],
  ['char', 'char'],
  ['character', 'char'],
  ['decimal', 'decimal'],
  ['numeric', 'decimal'],
  ['number', 'decimal'],
  ['timestamp', 'timestamp'],
  ['timestamp_ntz', 'timestamp'],
]);

const SIZE = /^([a-z_ ]+?) ?\(\s*(\d{1,4})(?:\s*,\s*(\d{1,4}))?\s*\)$/;

/**
 * The catalog type as a Trino type inside `CAST(… AS …)`, or null when Trino has no faithful
 * spelling of it: an unconstrained `numeric` is arbitrary precision in PostgreSQL but Trino's
 * bare `decimal` is `decimal(38,0)` and would cut fractions, so no cast is written for it.
 */
export function trinoType(type: string): string | null {
  const plain = castableType(type);
  if (!plain) return null;
  const t = plain.toLowerCase().replace(/\s+/g, ' ');
  const simple = SIMPLE.get(t);
  if (simple) return simple;
  const sized = SIZE.exec(t);
  const name = sized && SIZED.get(sized[1]!);
  if (!sized || !name) return null;
  const [p, s] = [Number(sized[2]), sized[3] === undefined ? undefined : Number(sized[3])];
  if (name === 'decimal') return p >= 1 && p <= 38 && (s ?? 0) <= p ? `decimal(${p}, ${s ?? 0})` : null;
  if (name === 'timestamp') return s === undefined && p <= 12 ? `timestamp(${p})` : null;
  return s === undefined && p >= 1 ? `${name}(${p})` : null;
}
