import { approvalFor, type CachedUser } from '#shared/decision-service/user-cache.ts';
import { decideSubscription, type Snapshot } from '#shared/policy/index.ts';

/** How much of a source a user sees in Trino: may query it, may only see that it exists, or nothing. */
export type Visibility = 'granted' | 'discoverable' | 'hidden';

/** Trino's sources of one snapshot, by lowercased catalog, schema and table (Trino lowercases names). */
type TrinoIndex = Map<string, Map<string, Map<string, string[]>>>;

const indexes = new WeakMap<Snapshot, TrinoIndex>();
const visibilities = new WeakMap<Snapshot, WeakMap<CachedUser, Map<string, Visibility>>>();

/** Trino's own metadata schema: Trino filters what it lists through the table and column filters. */
export const INFORMATION_SCHEMA = 'information_schema';

function trinoIndex(snapshot: Snapshot): TrinoIndex {
  let index = indexes.get(snapshot);
  if (index) return index;
  index = new Map();
  for (const id of snapshot.sourceIds) {
    const { source } = snapshot.source(id)!.facts;
    if (source.platform !== 'trino') continue;
    const [catalog, schema, table] = [source.database, source.schema, source.table].map((p) => p.toLowerCase()) as [string, string, string];
    const schemas = index.get(catalog) ?? new Map<string, Map<string, string[]>>();
    index.set(catalog, schemas);
    const tables = schemas.get(schema) ?? new Map<string, string[]>();
    schemas.set(schema, tables);
    tables.set(table, [...(tables.get(table) ?? []), id]);
  }
  indexes.set(snapshot, index);
  return index;
}

/** What the user sees of one source (memoised per snapshot and cached user). */
export function visibility(snapshot: Snapshot, user: CachedUser, id: string): Visibility {
  let perUser = visibilities.get(snapshot);
  if (!perUser) visibilities.set(snapshot, (perUser = new WeakMap()));
  let seen = perUser.get(user);
  if (!seen) perUser.set(user, (seen = new Map()));
  let v = seen.get(id);
  if (v === undefined) {
    const d = decideSubscription(snapshot, user.view.subject, id, approvalFor(user, id));
    v = d?.access === 'granted' ? 'granted' : d?.discoverable ? 'discoverable' : 'hidden';
    seen.set(id, v);
  }
  return v;
}

/**
 * The one source registered for a Trino table, `ambiguous` when several are (Warden could not
 * tell whose policies hold: denied), or undefined when none is.
 */
export function sourceOf(snapshot: Snapshot, catalog: string, schema: string, table: string): string | 'ambiguous' | undefined {
  const ids = snapshot.sourcesAt({ platform: 'trino', database: catalog, schema, table });
  return ids.length > 1 ? 'ambiguous' : ids[0];
}

const anyVisible = (snapshot: Snapshot, user: CachedUser, ids: Iterable<string>): boolean => {
  for (const id of ids) if (visibility(snapshot, user, id) !== 'hidden') return true;
  return false;
};

/** A governed catalog is shown when the user sees at least one of its sources. */
export function catalogVisible(snapshot: Snapshot, user: CachedUser, catalog: string): boolean {
  const schemas = trinoIndex(snapshot).get(catalog.toLowerCase());
  return Boolean(schemas && [...schemas.values()].some((tables) => [...tables.values()].some((ids) => anyVisible(snapshot, user, ids))));
}

/** A schema of a governed catalog is shown when the user sees one of its sources (`information_schema` always). */
export function schemaVisible(snapshot: Snapshot, user: CachedUser, catalog: string, schema: string): boolean {
  if (schema.toLowerCase() === INFORMATION_SCHEMA) return catalogVisible(snapshot, user, catalog);
  const tables = trinoIndex(snapshot).get(catalog.toLowerCase())?.get(schema.toLowerCase());
  return Boolean(tables && [...tables.values()].some((ids) => anyVisible(snapshot, user, ids)));
}

/** A table of a governed catalog is shown when it is one source the user may query or discover. */
export function tableVisible(snapshot: Snapshot, user: CachedUser, catalog: string, schema: string, table: string): boolean {
  if (schema.toLowerCase() === INFORMATION_SCHEMA) return catalogVisible(snapshot, user, catalog);
  const id = sourceOf(snapshot, catalog, schema, table);
  return id !== undefined && id !== 'ambiguous' && visibility(snapshot, user, id) !== 'hidden';
}

