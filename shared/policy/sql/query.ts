import type { SqlDialect } from './dialect.ts';

/** `database.schema.table`, each part quoted. */
export function tableRef(d: SqlDialect, database: string, schema: string, table: string): string {
  return `${d.ident(database)}.${d.ident(schema)}.${d.ident(table)}`;
}

/** The SELECT a secure view would hold: one aliased expression per column, then the filter. */
export function selectQuery(selects: readonly string[], from: string, where: string | null): string {
  const list = selects.join(', ');
  return where === null ? `SELECT ${list} FROM ${from}` : `SELECT ${list} FROM ${from} WHERE ${where}`;
}
