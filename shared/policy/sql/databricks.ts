import { castableType, typeKind } from './column-type.ts';
import { floorDivision, floorMod } from './arithmetic.ts';
import { noNul, type SqlDialect } from './dialect.ts';

/**
 * Databricks (Spark SQL) reads `'…'` with backslash escapes and joins adjacent literals, so
 * `''` would be two empty strings, not a quote: `\` and `'` are escaped with a backslash.
 * Assumes the default `spark.sql.parser.escapedStringLiterals = false`.
 */
function literal(value: string): string {
  return `'${noNul(value).replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

export const databricks: SqlDialect = {
  ident: (name) => `\`${noNul(name).replaceAll('`', '``')}\``,
  string: literal,
  toText: (expr) => `CAST(${expr} AS STRING)`,
  sha256Hex: (text) => `sha2(${text}, 256)`,
  regexReplace: (expr, pattern, replacement) =>
    `regexp_replace(CAST(${expr} AS STRING), ${literal(pattern)}, ${literal(replacement)})`,
  floorTime,
  castType: castableType,
  roundDown: floorDivision,
};

/**
 * Counted from the epoch without a session time zone: a date by `unix_date` (its midnight, in
 * seconds, then back to the day the floor falls in), a TIMESTAMP as the instant it is by
 * `unix_micros`, a TIMESTAMP_NTZ from a TIMESTAMP_NTZ epoch; timestamps in microseconds, Spark's
 * own precision, so the arithmetic is exact.
 */
function floorTime(expr: string, seconds: number, type: string): string {
  if (typeKind(type) === 'date') {
    const midnight = `CAST(unix_date(${expr}) AS BIGINT) * 86400`;
    return `date_from_unix_date(CAST(floor((${midnight} - ${floorMod(midnight, seconds)}) / 86400) AS INT))`;
  }
  const micros = seconds * 1_000_000;
  if (!/ntz|without time zone/i.test(type)) {
    return `timestamp_micros(unix_micros(${expr}) - ${floorMod(`unix_micros(${expr})`, micros)})`;
  }
  return `timestampadd(MICROSECOND, -${floorMod(`timestampdiff(MICROSECOND, TIMESTAMP_NTZ'1970-01-01 00:00:00', ${expr})`, micros)}, ${expr})`;
}
