import type { SqlDialect } from './dialect.ts';

/** A numeric literal; only finite numbers exist in SQL. */
export function numberLiteral(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`not a finite number: ${n}`);
  return n < 0 ? `(${String(n)})` : String(n);
}

/** A decimal literal with a fractional part, so division by it is never integer division. */
export function decimalLiteral(n: number): string {
  const s = numberLiteral(n);
  return Number.isInteger(n) && !s.includes('e') ? `${s}.0` : s;
}

/** `TRUE` or `FALSE`, understood by all four engines. */
export function booleanLiteral(b: boolean): string {
  return b ? 'TRUE' : 'FALSE';
}

/** `expr IN (…)` over escaped values; an empty list is `FALSE` (SQL has no empty IN list). */
export function inList(d: SqlDialect, expr: string, values: Iterable<string>): string {
  let list = '';
  for (const v of values) list += list ? `, ${d.string(v)}` : d.string(v);
  return list ? `${expr} IN (${list})` : 'FALSE';
}

/** `CAST(NULL AS type)`, or a bare NULL when the type cannot be written safely. */
export function typedNull(type: string | null): string {
  return type ? `CAST(NULL AS ${type})` : 'NULL';
}
