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
  truncDate: (expr, unit) => `date_trunc('${unit}', ${expr})`,
};
