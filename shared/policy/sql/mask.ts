import type { Masking } from '#shared/model/policy.ts';
import type { SqlDialect } from './dialect.ts';
import { typeKind, type TypeKind } from './column-type.ts';
import { booleanLiteral, numberLiteral, typedNull } from './literals.ts';

/** A mask as SQL, or why this mask cannot apply to a column of this type. */
export type MaskSql = { readonly sql: string } | { readonly error: string };

/** The masking kinds the dialect layer writes alone; `custom` needs the expression language. */
export type BuiltInMasking = Exclude<Masking, { type: 'custom' }>;

/**
 * The largest bucket a date or timestamp rounds to (about 68 years): an engine may hold the
 * seconds an interval is multiplied by in a 32-bit integer (DuckDB does).
 */
const MAX_TIME_BUCKET_SECONDS = 2_147_483_647;

/** The SQL of `masking` applied to column expression `col` of catalog type `type`. */
export function maskSql(d: SqlDialect, masking: BuiltInMasking, col: string, type: string): MaskSql {
  const kind = typeKind(type);
  const cast = d.castType(type);
  const as = (expr: string) => (cast ? `CAST(${expr} AS ${cast})` : expr);
  switch (masking.type) {
    case 'null':
      return { sql: typedNull(cast) };
    case 'constant':
      return constant(d, masking.value, kind, as, type);
    case 'hash': {
      const text = masking.salt === undefined ? d.toText(col) : `${d.string(masking.salt)} || ${d.toText(col)}`;
      return { sql: d.sha256Hex(text) };
    }
    case 'regex':
      if (kind !== 'string') return notFor('regex', type);
      return { sql: d.regexReplace(col, masking.pattern, masking.replacement) };
    case 'rounding':
      if (kind === 'number') return { sql: as(d.roundDown(col, masking.bucketSize)) };
      if (kind === 'date' || kind === 'timestamp') {
        const seconds = masking.bucketSize;
        if (!Number.isInteger(seconds) || seconds > MAX_TIME_BUCKET_SECONDS) {
          return { error: `\`rounding\` of a column of type \`${type}\` takes a whole number of seconds up to ${MAX_TIME_BUCKET_SECONDS} as \`bucketSize\`, not \`${seconds}\`` };
        }
        return { sql: as(d.floorTime(col, seconds, type)) };
      }
      return notFor('rounding', type);
    case 'showLast': {
      if (kind !== 'string') return notFor('showLast', type);
      const n = numberLiteral(masking.count);
      // lpad keeps the length and works in all four engines (its length an integer, which
      // DuckDB requires); short values are shown whole because substr before 1 differs.
      return { sql: `CASE WHEN length(${col}) <= ${n} THEN ${col} ELSE lpad(substr(${col}, length(${col}) - ${n} + 1), CAST(length(${col}) AS integer), '*') END` };
    }
  }
}

function notFor(kind: string, type: string): MaskSql {
  return { error: `\`${kind}\` masking does not apply to a column of type \`${type}\`` };
}

function constant(d: SqlDialect, value: string | number | boolean, kind: TypeKind, as: (e: string) => string, type: string): MaskSql {
  const bad: MaskSql = { error: `constant \`${String(value)}\` does not fit a column of type \`${type}\`` };
  if (kind === 'string') return { sql: d.string(String(value)) };
  if (kind === 'number') {
    const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
    return Number.isFinite(n) ? { sql: as(numberLiteral(n)) } : bad;
  }
  if (kind === 'boolean') {
    if (typeof value === 'boolean') return { sql: booleanLiteral(value) };
    if (value === 'true' || value === 'false') return { sql: booleanLiteral(value === 'true') };
    return bad;
  }
  if (typeof value !== 'string') return bad;
  return { sql: as(d.string(value)) };
}
