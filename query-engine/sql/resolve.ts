import type { RangeVar } from 'libpg-query';
import type { PhysicalTable } from '#shared/policy/index.ts';
import { NotSupportedError, RefusedError, UndefinedTableError } from '../errors.ts';
import { isDeniedSystemRelation, SYSTEM_SCHEMAS } from './functions.ts';

/** What the backend holds, as far as resolving names needs it. */
export interface RelationCatalog {
  /** A table, view or foreign table of that name in that schema. */
  hasRelation(schema: string, name: string): boolean;
  /** A function of that name in that schema. */
  hasFunction(schema: string, name: string): boolean;
}

/** Where names are resolved: the backend's database, the session's search path and the settings. */
export interface ResolveContext {
  readonly database: string;
  /** The session's schemas in order, as the backend resolves them; `pg_catalog` is searched first regardless. */
  readonly searchPath: readonly string[];
  readonly catalog: RelationCatalog;
  /** The registered sources of a physical table (the compiled snapshot's index). */
  sourcesAt(table: PhysicalTable): readonly string[];
  /** Schemas whose tables pass through unchanged (`WARDEN_QUERY_PASS_THROUGH_SCHEMAS`). */
  readonly passThrough: ReadonlySet<string>;
}

/** A table reference resolved: a registered data source, or a relation read as it is. */
export type Resolved =
  | { readonly kind: 'source'; readonly sourceId: string; readonly schema: string; readonly table: string }
  | { readonly kind: 'relation'; readonly schema: string; readonly table: string };

const quoted = (schema: string, table: string) => `\`${schema}.${table}\``;

/** The schema an unqualified name resolves to: `pg_catalog` first, as PostgreSQL searches it, then the path. */
function schemaOf(name: string, ctx: ResolveContext): string {
  if (ctx.catalog.hasRelation('pg_catalog', name)) return 'pg_catalog';
  for (const schema of ctx.searchPath) if (schema !== 'pg_catalog' && ctx.catalog.hasRelation(schema, name)) return schema;
  throw new UndefinedTableError(name);
}

/**
 * Resolves a table reference as the backend would (schema-qualified, or the first schema of
 * the search path holding the name), then decides how it may be read: a registered source of
 * platform `postgres` in the backend's database is rewritten; system catalogs and pass-through
 * schemas are read as they are; anything else is refused (fail closed).
 */
export function resolveTable(ref: RangeVar, ctx: ResolveContext): Resolved {
  const table = ref.relname ?? '';
  if (ref.catalogname !== undefined && ref.catalogname !== ctx.database) {
    throw new NotSupportedError(`cross-database references are not implemented: "${ref.catalogname}.${ref.schemaname}.${table}"`);
  }
  const schema = ref.schemaname ?? schemaOf(table, ctx);
  const sources = ctx.sourcesAt({ platform: 'postgres', database: ctx.database, schema, table });
  if (sources.length > 1) {
    throw new RefusedError(`table ${quoted(schema, table)} is registered as several data sources: ${sources.map((s) => `\`${s}\``).join(', ')}`, 'register each table once so one set of policies applies');
  }
  if (sources.length === 1) return { kind: 'source', sourceId: sources[0]!, schema, table };
  if (SYSTEM_SCHEMAS.has(schema)) {
    if (isDeniedSystemRelation(table)) throw new RefusedError(`relation ${quoted(schema, table)} is not readable through the query engine: it reveals rows of data sources or other sessions`);
    return { kind: 'relation', schema, table };
  }
  if (ctx.passThrough.has(schema)) return { kind: 'relation', schema, table };
  throw new RefusedError(
    `table ${quoted(schema, table)} is not a registered data source`,
    'the query engine reads registered data sources, the system catalogs and the schemas listed in WARDEN_QUERY_PASS_THROUGH_SCHEMAS',
  );
}

/**
 * Whether a function may be called: built-in (the system schemas) or of a pass-through schema. An
 * unqualified name is refused when a schema of the path other than those defines a function of
 * that name, since the backend might pick it (it could read tables the rewrite never saw).
 */
export function functionAllowed(schema: string | undefined, name: string, ctx: ResolveContext): boolean {
  if (schema !== undefined) return SYSTEM_SCHEMAS.has(schema) || ctx.passThrough.has(schema);
  return !ctx.searchPath.some((s) => !SYSTEM_SCHEMAS.has(s) && !ctx.passThrough.has(s) && ctx.catalog.hasFunction(s, name));
}
