import type { Subject } from '#shared/model/identity.ts';

/** SQL that is either fixed, or written per user (literals of the user's values). */
export type Sql = string | ((subject: Subject) => string);

/** One piece of SQL under construction. */
export type Piece = string | ((subject: Subject) => string);

/** Joins pieces; the result is a plain string when no piece depends on the user. */
export function assemble(pieces: readonly Piece[]): Sql {
  const merged: Piece[] = [];
  for (const p of pieces) {
    const last = merged[merged.length - 1];
    if (typeof p === 'string' && typeof last === 'string') merged[merged.length - 1] = last + p;
    else if (p !== '') merged.push(p);
  }
  if (merged.length === 0) return '';
  if (merged.length === 1) return merged[0]!;
  return (subject) => {
    let out = '';
    for (const p of merged) out += typeof p === 'string' ? p : p(subject);
    return out;
  };
}

/** The SQL text for one user. */
export function run(sql: Sql, subject: Subject): string {
  return typeof sql === 'string' ? sql : sql(subject);
}
