/**
 * Request bodies as Trino's OPA plugin builds them (trinodb/trino `plugin/trino-opa`), field for
 * field: `OpaQuery{input}` → `OpaQueryInput{context, action}`; `OpaQueryContext{identity,
 * softwareStack, properties, queryId}` with `TrinoIdentity{user, principal, groups}` and
 * `OpaPluginContext{trinoVersion}`; `OpaQueryInputAction{operation, resource?, filterResources?,
 * targetResource?, grantee?}` (`@JsonInclude(NON_NULL)`: absent parts are omitted);
 * `OpaQueryInputResource{user, catalog{name}, schema{catalogName, schemaName}, table{catalogName,
 * schemaName, tableName, columns?}, column{catalogName, schemaName, tableName, columnName,
 * columnType}, …}`. `queryId` is null for checks made from an `Identity` (`ExecuteQuery`,
 * `ImpersonateUser`) and the query's id for those made from a `SystemSecurityContext`.
 */

/** The version `SystemAccessControlContext.getVersion()` reports. */
export const TRINO_VERSION = '476';

/** A Trino session: who is authenticated (`principal`) and who the session runs as (`user`). */
export interface Session {
  readonly user: string;
  readonly groups?: readonly string[];
  readonly principal?: string;
  readonly queryId?: string;
}

type Resource = Record<string, unknown>;

function context(s: Session, withQuery: boolean) {
  return {
    identity: { user: s.user, principal: s.principal ?? s.user, groups: [...(s.groups ?? [])] },
    softwareStack: { trinoVersion: TRINO_VERSION },
    properties: {},
    queryId: withQuery ? (s.queryId ?? '20260101_120000_00001_abcde') : null,
  };
}

/** The body of one request: `{"input":{"context":…,"action":…}}`. */
export function body(s: Session, action: Record<string, unknown>, withQuery = true) {
  return { input: { context: context(s, withQuery), action } };
}

export const catalog = (name: string): Resource => ({ catalog: { name } });
export const schema = (catalogName: string, schemaName: string): Resource => ({ schema: { catalogName, schemaName } });
export const table = (catalogName: string, schemaName: string, tableName: string, columns?: readonly string[]): Resource => ({
  table: { catalogName, schemaName, tableName, ...(columns ? { columns: [...columns] } : {}) },
});
export const column = (catalogName: string, schemaName: string, tableName: string, columnName: string, columnType: string): Resource => ({
  column: { catalogName, schemaName, tableName, columnName, columnType },
});

/** `checkCanExecuteQuery(Identity, QueryId)`: no resource, context built from the identity. */
export const executeQuery = (s: Session) => body(s, { operation: 'ExecuteQuery' }, false);
/** `checkCanImpersonateUser(Identity, userName)`: `resource.user = TrinoUser.createUser(userName)`. */
export const impersonateUser = (s: Session, target: string) => body(s, { operation: 'ImpersonateUser', resource: { user: { user: target } } }, false);
/** An operation on one resource (`queryAndEnforce`, `queryOpaWithSimpleResource`). */
export const simple = (s: Session, operation: string, resource: Resource) => body(s, { operation, resource });
/** A rename: `resource` and `targetResource`. */
export const rename = (s: Session, operation: string, resource: Resource, targetResource: Resource) => body(s, { operation, resource, targetResource });
/** `OpaBatchAccessControl.batchFilterFromOpa`: one resource per item. */
export const batchFilter = (s: Session, operation: string, filterResources: readonly Resource[]) => body(s, { operation, filterResources: [...filterResources] });
/** `OpaBatchAccessControl.filterColumns`: one table with its columns per request. */
export const filterColumns = (s: Session, catalogName: string, schemaName: string, tableName: string, columns: readonly string[]) =>
  batchFilter(s, 'FilterColumns', [table(catalogName, schemaName, tableName, columns)]);
/** `OpaHighLevelClient.getRowFilterExpressionsFromOpa`. */
export const getRowFilters = (s: Session, catalogName: string, schemaName: string, tableName: string) => simple(s, 'GetRowFilters', table(catalogName, schemaName, tableName));
/** `getParallelColumnMasksFromOpa`: one column per request. */
export const getColumnMask = (s: Session, col: Resource) => simple(s, 'GetColumnMask', col);
/** `getBatchColumnMasksFromOpa`: every column of the table in one request. */
export const getBatchColumnMasks = (s: Session, columns: readonly Resource[]) => batchFilter(s, 'GetColumnMask', columns);
