import { typeKind } from './column-type.ts';
import { trinoType } from './trino-types.ts';
import { floorMod } from './arithmetic.ts';
import { doubledQuoteLiteral, doubleQuotedIdent, type SqlDialect } from './dialect.ts';

/** Trino (and Starburst): standard SQL literals, no backslash escapes; `sha256` takes bytes; only Trino's own type names. */
export const trino: SqlDialect = {
  ident: doubleQuotedIdent,
  string: doubledQuoteLiteral,
  toText: (expr) => `CAST(${expr} AS varchar)`,
  sha256Hex: (text) => `lower(to_hex(sha256(to_utf8(${text}))))`,
  // Trino's regexp_replace replaces every match without a flag.
  regexReplace: (expr, pattern, replacement) =>
    `regexp_replace(CAST(${expr} AS varchar), ${doubledQuoteLiteral(pattern)}, ${doubledQuoteLiteral(replacement)})`,
  floorTime,
  castType: trinoType,
  // `mod` of integers is an integer and of decimals a decimal: the column keeps its type, where
  // FLOOR over a division would turn an integer into a double or a wider decimal.
  roundDown: (expr, bucket) => `(${expr} - ${floorMod(expr, bucket)})`,
};

/**
 * Seconds since an epoch of the value's own kind (an instant for `… with time zone`, a wall
 * time otherwise), so no session time zone enters; Trino intervals hold milliseconds, so the
 * value is cut to whole seconds first and the remainder is an exact bigint.
 */
function floorTime(expr: string, seconds: number, type: string): string {
  const t = typeKind(type) === 'date' ? `CAST(${expr} AS timestamp)` : `date_trunc('second', ${expr})`;
  const epoch = /with time zone/i.test(type) ? "CAST('1970-01-01 00:00:00 UTC' AS timestamp with time zone)" : "TIMESTAMP '1970-01-01 00:00:00'";
  return `(${t} - INTERVAL '1' SECOND * ${floorMod(`date_diff('second', ${epoch}, ${t})`, seconds)})`;
}
