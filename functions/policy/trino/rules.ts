import type { CachedUser } from '#shared/decision-service/user-cache.ts';
import type { OpaResource, UngovernedMode } from '#shared/model/trino.ts';
import type { Snapshot } from '#shared/policy/index.ts';
import type { TrinoIntegrationRecord } from '#shared/store/integrations.ts';
import { catalogVisible, schemaVisible, tableVisible } from './catalog.ts';
import type { OperationRule } from './operations.ts';

/** One plugin request as Warden judges it: the integration, the snapshot, the Trino user and its Warden user. */
export interface TrinoAsk {
  readonly integration: TrinoIntegrationRecord;
  readonly snapshot: Snapshot;
  /** The Trino user name (`context.identity.user`). */
  readonly trinoUser: string;
  /** Its Warden user when known and active; undefined: every operation is denied. */
  readonly user: CachedUser | undefined;
}

/** Each integration's governed catalogs, lowercased once: a batch of filters asks once per resource. */
const governedCatalogs = new WeakMap<TrinoIntegrationRecord, ReadonlySet<string>>();

/** How the integration treats a catalog: governed by Warden, or its setting for the others. */
export function modeOf(integration: TrinoIntegrationRecord, catalog: string): 'governed' | UngovernedMode {
  let governed = governedCatalogs.get(integration);
  if (!governed) governedCatalogs.set(integration, (governed = new Set(integration.catalogs.map((c) => c.toLowerCase()))));
  return governed.has(catalog.toLowerCase()) ? 'governed' : integration.ungoverned;
}

/** Per part of a resource that names its catalog, the rules that read that part. */
const CATALOG_PARTS: ReadonlyArray<readonly [readonly OperationRule[], (r: OpaResource) => string | undefined]> = [
  [['see-catalog', 'write-catalog'], (r) => r.catalog?.name],
  [['see-schema', 'write-schema'], (r) => r.schema?.catalogName],
  [['see-table', 'see-columns', 'write-table'], (r) => r.table?.catalogName],
  [['read-function', 'write-function'], (r) => r.function?.catalogName],
  [['read-catalog-property'], (r) => r.catalogSessionProperty?.catalogName],
];

/** The catalog a resource lives in, by the part the rule reads; undefined when the resource lacks it. */
function catalogOf(rule: OperationRule, r: OpaResource | undefined): string | undefined {
  const part = CATALOG_PARTS.find(([rules]) => rules.includes(rule));
  return r && part ? part[1](r) : undefined;
}

function seen(ask: TrinoAsk, user: CachedUser, rule: OperationRule, r: OpaResource): boolean {
  const { snapshot } = ask;
  if (rule === 'see-catalog') return catalogVisible(snapshot, user, r.catalog!.name);
  if (rule === 'see-schema') return schemaVisible(snapshot, user, r.schema!.catalogName, r.schema!.schemaName);
  const t = r.table!;
  return tableVisible(snapshot, user, t.catalogName, t.schemaName, t.tableName);
}

const isWrite = (rule: OperationRule): boolean => rule.startsWith('write-');

/** One catalog-bound operation on one resource: visibility in a governed catalog, the setting elsewhere. */
function inCatalog(ask: TrinoAsk, user: CachedUser, rule: OperationRule, r: OpaResource | undefined): boolean {
  const catalog = catalogOf(rule, r);
  if (catalog === undefined) return false;
  const mode = modeOf(ask.integration, catalog);
  if (mode === 'governed') {
    // Warden's policies grant reads only: no policy says who may write a governed table.
    if (isWrite(rule)) return false;
    return rule.startsWith('see-') ? seen(ask, user, rule, r!) : true;
  }
  return mode === 'allow' || (mode === 'read' && !isWrite(rule));
}

/**
 * Whether the operation is allowed on `resource` (and `target`, for renames), for every rule
 * decided from the snapshot alone; `select` and `impersonate` are decided with their audits
 * by the caller, and any rule it does not know here is denied.
 */
export function allowed(ask: TrinoAsk, rule: OperationRule, resource: OpaResource | undefined, target?: OpaResource): boolean {
  const user = ask.user;
  if (!user) return false;
  switch (rule) {
    case 'user':
      return true;
    case 'own-query':
      return resource?.user?.user === ask.trinoUser;
    case 'deny':
    case 'select':
    case 'impersonate':
    case 'row-filters':
    case 'column-mask':
      return false;
    default:
      return inCatalog(ask, user, rule, resource) && (target === undefined || inCatalog(ask, user, rule, target));
  }
}
