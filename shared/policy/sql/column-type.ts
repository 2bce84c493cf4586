/** What a masking function may do with a column depends only on this coarse kind. */
export type TypeKind = 'string' | 'number' | 'date' | 'timestamp' | 'boolean' | 'other';

const KINDS: ReadonlyArray<readonly [RegExp, TypeKind]> = [
  [/^(var)?char|^character|^n?varchar|^n?char|^text|^string|^citext|^clob|^nvarchar|^name$/, 'string'],
  [/^(tiny|small|medium|big)?int|^integer|^decimal|^numeric|^number|^float|^double|^real|^long|^short|^byte/, 'number'],
  [/^timestamp|^datetime/, 'timestamp'],
  [/^date$/, 'date'],
  [/^bool/, 'boolean'],
];

/** The kind of a catalog column type such as `varchar(20)`, `NUMBER(10,2)` or `timestamp_ntz`. */
export function typeKind(type: string): TypeKind {
  const t = type.trim().toLowerCase();
  for (const [re, kind] of KINDS) if (re.test(t)) return kind;
  return 'other';
}

// Words, optional `(p)` or `(p, s)`: enough for every scalar type of the four engines, and
// nothing that could close a CAST early.
const PLAIN_TYPE = /^[A-Za-z][A-Za-z0-9_]*( [A-Za-z][A-Za-z0-9_]*){0,3}( ?\(\s*\d{1,4}(\s*,\s*\d{1,4})?\s*\))?$/;

/**
 * The column type as it may appear inside `CAST(… AS <type>)`, or null when it is not a plain
 * type name (catalog text must never become SQL structure).
 */
export function castableType(type: string): string | null {
  const t = type.trim();
  return PLAIN_TYPE.test(t) ? t : null;
}
