import { castableType, typeKind } from './column-type.ts';
import { floorDivision, floorMod } from './arithmetic.ts';
import { doubleQuotedIdent, noNul, type SqlDialect } from './dialect.ts';

/**
 * A literal that means the same whatever `standard_conforming_strings` is: with the setting
 * off, PostgreSQL reads a backslash inside `'…'` as an escape, so a value holding one is
 * written as an escape string `E'…'` with backslashes and quotes doubled (read the same under
 * either setting); any other value as `'…'`, which both settings read alike. Warden always
 * puts a space or `(` before a literal, so no literal joins an identifier before it.
 */
function literal(value: string): string {
  const text = noNul(value).replaceAll("'", "''");
  return text.includes('\\') ? `E'${text.replaceAll('\\', '\\\\')}'` : `'${text}'`;
}

/** PostgreSQL, whatever its `standard_conforming_strings`. */
export const postgres: SqlDialect = {
  ident: doubleQuotedIdent,
  string: literal,
  toText: (expr) => `CAST(${expr} AS text)`,
  sha256Hex: (text) => `encode(sha256(convert_to(${text}, 'UTF8')), 'hex')`,
  regexReplace: (expr, pattern, replacement) => `regexp_replace(CAST(${expr} AS text), ${literal(pattern)}, ${literal(replacement)}, 'g')`,
  floorTime,
  castType: castableType,
  roundDown: floorDivision,
};

/**
 * `extract(epoch …)` reads a timestamptz as its instant and a date or timestamp as UTC; a
 * seconds-only interval moves a timestamptz by exactly that, so no session time zone enters.
 * Whole seconds first: the remainder is then an exact bigint.
 */
function floorTime(expr: string, seconds: number, type: string): string {
  const t = typeKind(type) === 'date' ? `CAST(${expr} AS timestamp)` : `date_trunc('second', ${expr})`;
  return `(${t} - ${floorMod(`CAST(extract(epoch from ${t}) AS bigint)`, seconds)} * interval '1 second')`;
}
