import { doubledQuoteLiteral, doubleQuotedIdent, type SqlDialect } from './dialect.ts';

/** Trino (and Starburst): standard SQL literals, no backslash escapes; `sha256` takes bytes. */
export const trino: SqlDialect = {
  ident: doubleQuotedIdent,
  string: doubledQuoteLiteral,
  toText: (expr) => `CAST(${expr} AS varchar)`,
  sha256Hex: (text) => `lower(to_hex(sha256(to_utf8(${text}))))`,
  // Trino's regexp_replace replaces every match without a flag.
  regexReplace: (expr, pattern, replacement) =>
    `regexp_replace(CAST(${expr} AS varchar), ${doubledQuoteLiteral(pattern)}, ${doubledQuoteLiteral(replacement)})`,
  truncDate: (expr, unit) => `date_trunc('${unit}', ${expr})`,
};
