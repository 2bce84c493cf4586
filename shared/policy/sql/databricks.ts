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
  truncDate: (expr, unit) => `date_trunc('${unit.toUpperCase()}', ${expr})`,
};
