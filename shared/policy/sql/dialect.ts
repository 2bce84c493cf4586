/**
 * What differs between the SQL engines Warden writes for. Every method returns a SQL fragment;
 * arguments named `expr` are SQL already, everything else is a value that the dialect escapes.
 */
export interface SqlDialect {
  /** A quoted identifier: always quoted, so reserved words and odd names stay names. */
  ident(name: string): string;
  /** A string literal escaped so no value can end it early. */
  string(value: string): string;
  /** The engine's spelling of a value as text, for hashing and regex replacement. */
  toText(expr: string): string;
  /** Lowercase hex SHA-256 of the UTF-8 text of `expr` (NULL stays NULL). */
  sha256Hex(textExpr: string): string;
  /** Every match of `pattern` in the text of `expr` replaced. */
  regexReplace(expr: string, pattern: string, replacement: string): string;
  /**
   * A date or timestamp of catalog type `type` floored to a multiple of `seconds` (a whole
   * number) seconds since 1970-01-01T00:00:00Z, whatever the session's time zone: a value with
   * a time zone as the instant it is, one without as if it were UTC, a date as its midnight.
   */
  floorTime(expr: string, seconds: number, type: string): string;
  /** The catalog type as this engine spells it inside `CAST(… AS …)`, or null when it cannot be written faithfully. */
  castType(type: string): string | null;
  /** A number rounded down to a multiple of `bucket` (a positive finite number). */
  roundDown(expr: string, bucket: number): string;
}

/** `'` doubling: the literal syntax of standard SQL (PostgreSQL with standard strings, Trino). */
export function doubledQuoteLiteral(value: string): string {
  return `'${noNul(value).replaceAll("'", "''")}'`;
}

/** `"` quoting with `"` doubling: the identifier syntax of standard SQL. */
export function doubleQuotedIdent(name: string): string {
  return `"${noNul(name).replaceAll('"', '""')}"`;
}

/**
 * No engine stores U+0000 in text and some C clients end the statement at it, so it never
 * reaches SQL: it becomes U+FFFD, which cannot match real data either.
 */
export function noNul(value: string): string {
  return value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
}
