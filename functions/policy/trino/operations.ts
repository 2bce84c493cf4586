/**
 * How Warden answers each operation of Trino's OPA plugin (`OpaAccessControl`,
 * `OpaBatchAccessControl`, `OpaHighLevelClient`), by what the operation's resource names:
 * - `user`: allowed for a known, active user (`ExecuteQuery`, session properties);
 * - `impersonate`: Warden's impersonation rule;
 * - `own-query`: the user's own queries only;
 * - `see-catalog` / `see-schema` / `see-table` / `see-columns`: catalog visibility;
 * - `select`: the subscription decision;
 * - `read-*` / `write-*`: the catalog's mode (governed: reads by visibility, writes denied);
 * - `deny`: known and always refused (system information);
 * - `row-filters` / `column-mask`: only on their own URIs.
 * Any other name is unknown: denied, and logged once.
 */
export type OperationRule =
  | 'user'
  | 'impersonate'
  | 'own-query'
  | 'see-catalog'
  | 'see-schema'
  | 'see-table'
  | 'see-columns'
  | 'select'
  | 'read-function'
  | 'read-catalog-property'
  | 'write-catalog'
  | 'write-schema'
  | 'write-table'
  | 'write-function'
  | 'deny'
  | 'row-filters'
  | 'column-mask';

const rules = (rule: OperationRule, names: readonly string[]) => names.map((n) => [n, rule] as const);

const RULES: ReadonlyMap<string, OperationRule> = new Map([
  ...rules('user', ['ExecuteQuery', 'SetSystemSessionProperty']),
  ...rules('impersonate', ['ImpersonateUser']),
  ...rules('own-query', ['ViewQueryOwnedBy', 'FilterViewQueryOwnedBy', 'KillQueryOwnedBy']),
  ...rules('see-catalog', ['AccessCatalog', 'FilterCatalogs', 'ShowSchemas']),
  ...rules('see-schema', ['FilterSchemas', 'ShowTables', 'ShowCreateSchema', 'ShowFunctions']),
  ...rules('see-table', ['FilterTables', 'ShowColumns', 'ShowCreateTable']),
  ...rules('see-columns', ['FilterColumns']),
  ...rules('select', ['SelectFromColumns']),
  ...rules('read-function', ['FilterFunctions', 'ExecuteFunction', 'CreateViewWithExecuteFunction', 'ShowCreateFunction']),
  ...rules('read-catalog-property', ['SetCatalogSessionProperty']),
  ...rules('write-catalog', ['CreateCatalog', 'DropCatalog']),
  ...rules('write-schema', ['CreateSchema', 'DropSchema', 'RenameSchema', 'SetSchemaAuthorization']),
  ...rules('write-table', [
    'CreateTable',
    'DropTable',
    'RenameTable',
    'SetTableProperties',
    'SetTableComment',
    'SetViewComment',
    'SetColumnComment',
    'AddColumn',
    'AlterColumn',
    'DropColumn',
    'RenameColumn',
    'SetTableAuthorization',
    'InsertIntoTable',
    'DeleteFromTable',
    'TruncateTable',
    'UpdateTableColumns',
    'CreateView',
    'RenameView',
    'SetViewAuthorization',
    'DropView',
    'CreateViewWithSelectFromColumns',
    'CreateMaterializedView',
    'RefreshMaterializedView',
    'SetMaterializedViewProperties',
    'SetMaterializedViewComment',
    'DropMaterializedView',
    'RenameMaterializedView',
    'ExecuteTableProcedure',
  ]),
  ...rules('write-function', ['ExecuteProcedure', 'CreateFunction', 'DropFunction']),
  ...rules('deny', ['ReadSystemInformation', 'WriteSystemInformation']),
  ...rules('row-filters', ['GetRowFilters']),
  ...rules('column-mask', ['GetColumnMask']),
]);

/** The rule of a plugin operation, or undefined for a name Warden does not know. */
export function operationRule(operation: string): OperationRule | undefined {
  return RULES.get(operation);
}

/** Most distinct unknown names logged by one instance: a caller cannot flood the log. */
const MAX_LOGGED = 256;
const logged = new Set<string>();

/** True the first time an unknown name is seen (up to `MAX_LOGGED` names): log it then, once. */
export function firstSighting(operation: string): boolean {
  if (logged.has(operation) || logged.size >= MAX_LOGGED) return false;
  logged.add(operation);
  return true;
}
