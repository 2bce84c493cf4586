import { castableType, typeKind } from './column-type.ts';
import { floorDivision, floorMod } from './arithmetic.ts';
import { doubleQuotedIdent, noNul, type SqlDialect } from './dialect.ts';

/**
 * Snowflake treats a backslash inside `'…'` as an escape as well as accepting `''`, so a value
 * ending in `\` would swallow the closing quote: backslashes are doubled first, then quotes.
 */
function literal(value: string): string {
  return `'${noNul(value).replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

export const snowflake: SqlDialect = {
  ident: doubleQuotedIdent,
  string: literal,
  toText: (expr) => `CAST(${expr} AS VARCHAR)`,
  sha256Hex: (text) => `SHA2(${text}, 256)`,
  regexReplace: (expr, pattern, replacement) =>
    `REGEXP_REPLACE(CAST(${expr} AS VARCHAR), ${literal(pattern)}, ${literal(replacement)})`,
  floorTime,
  castType: castableType,
  roundDown: floorDivision,
};

/**
 * `EPOCH_SECOND` reads TIMESTAMP_LTZ and TIMESTAMP_TZ as their instant and TIMESTAMP_NTZ as
 * UTC, and `DATEADD` of seconds moves each by exactly that, so no session time zone enters.
 */
function floorTime(expr: string, seconds: number, type: string): string {
  const t = typeKind(type) === 'date' ? `CAST(${expr} AS TIMESTAMP_NTZ)` : `DATE_TRUNC('SECOND', ${expr})`;
  return `DATEADD(SECOND, -${floorMod(`DATE_PART(EPOCH_SECOND, ${t})`, seconds)}, ${t})`;
}
