import type { SqlDialect } from './dialect.ts';

/** `database.schema.table`, each part quoted. */
export function tableRef(d: SqlDialect, database: string, schema: string, table: string): string {
  return `${d.ident(database)}.${d.ident(schema)}.${d.ident(table)}`;
}
