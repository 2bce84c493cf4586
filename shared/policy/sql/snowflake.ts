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
  truncDate: (expr, unit) => `DATE_TRUNC('${unit.toUpperCase()}', ${expr})`,
};
