import { doubledQuoteLiteral, doubleQuotedIdent, type SqlDialect } from './dialect.ts';

/**
 * PostgreSQL. Literals assume `standard_conforming_strings = on` (the default since 9.1): a
 * backslash is an ordinary character and only `'` needs doubling. Warden never writes `E'…'`
 * and always puts a space or `(` before a literal, so no literal can turn into one.
 */
export const postgres: SqlDialect = {
  ident: doubleQuotedIdent,
  string: doubledQuoteLiteral,
  toText: (expr) => `CAST(${expr} AS text)`,
  sha256Hex: (text) => `encode(sha256(convert_to(${text}, 'UTF8')), 'hex')`,
  regexReplace: (expr, pattern, replacement) =>
    `regexp_replace(CAST(${expr} AS text), ${doubledQuoteLiteral(pattern)}, ${doubledQuoteLiteral(replacement)}, 'g')`,
  truncDate: (expr, unit) => `date_trunc('${unit}', ${expr})`,
};
