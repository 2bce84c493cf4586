import type { Context } from 'hono';
import { decideFailingClosed } from '#shared/decision-service/fail-closed.ts';
import { readBody } from '#shared/http/body.ts';
import type { AppEnv } from '#shared/http/context.ts';
import { RouteGroup } from '#shared/http/route-group.ts';
import { opaAllow, opaBatch, opaBatchColumnMask, opaColumnMask, opaRowFilters } from '#shared/http/routes/trino.ts';
import { opaRequestSchema, type OpaRequest, type OpaResource } from '#shared/model/trino.ts';
import type { DecisionBody } from '#shared/policy/index.ts';
import { INFORMATION_SCHEMA, catalogVisible, sourceOf } from './catalog.ts';
import type { IntegrationCredentials } from './credential.ts';
import { activeUser, integrationCaller, wardenRef } from './identity.ts';
import { impersonationAllowed, type ImpersonationDeps } from './impersonation.ts';
import { firstSighting, operationRule, type OperationRule } from './operations.ts';
import { allowed, modeOf, type TrinoAsk } from './rules.ts';

type Action = OpaRequest['input']['action'];
type TableName = { readonly catalogName: string; readonly schemaName: string; readonly tableName: string };
type Governed = { readonly kind: 'ungoverned' } | { readonly kind: 'denied' } | { readonly kind: 'granted'; readonly decision: DecisionBody };
const UNGOVERNED: Governed = { kind: 'ungoverned' };
const DENIED: Governed = { kind: 'denied' };
interface Asked {
  readonly ask: TrinoAsk;
  readonly action: Action;
  readonly groups: readonly string[];
}

/** The expression that lets no row through and the mask that shows nothing: what fails closed. */
const NO_ROWS = 'false';
const NOTHING = 'NULL';

/** `POST /v1/opa/trino/{id}/…`: the five policy URIs of Trino's OPA access-control plugin. */
export function opaRoutes(deps: ImpersonationDeps, credentials: IntegrationCredentials): RouteGroup {
  const app = new RouteGroup('/v1/opa/trino');
  const { decisions } = deps;

  /** The credential first (401 before anything is read), then the body, the snapshot and the user. */
  async function asked(c: Context<AppEnv>, id: string, key: string | undefined): Promise<Asked> {
    const integration = await credentials.verify(id, key);
    const { input } = await readBody(c, opaRequestSchema);
    const { snapshot } = await decisions.snapshot();
    const trinoUser = input.context.identity.user;
    const user = await activeUser(decisions, wardenRef(integration, trinoUser));
    return { ask: { integration, snapshot, trinoUser, user }, action: input.action, groups: input.context.identity.groups };
  }

  function known(c: Context<AppEnv>, operation: string): OperationRule | undefined {
    const rule = operationRule(operation);
    if (!rule && firstSighting(operation)) c.get('log').warn('unknown trino operation denied', { operation: operation.slice(0, 128) });
    return rule;
  }

  /** `SelectFromColumns`: in a governed catalog the audited subscription decision of the table's one source. */
  async function selectAllowed(c: Context<AppEnv>, { ask }: Asked, resource: OpaResource | undefined): Promise<boolean> {
    const t = resource?.table;
    if (!ask.user || !t) return false;
    const mode = modeOf(ask.integration, t.catalogName);
    if (mode !== 'governed') return mode !== 'deny';
    if (t.schemaName.toLowerCase() === INFORMATION_SCHEMA) return catalogVisible(ask.snapshot, ask.user, t.catalogName);
    const id = sourceOf(ask.snapshot, t.catalogName, t.schemaName, t.tableName);
    if (id === undefined || id === 'ambiguous') return false;
    // On the snapshot the table was resolved on, for the user this call already holds.
    const decision = await decisions.decideOn({ caller: integrationCaller(ask.integration), requestId: c.get('requestId') }, ask.snapshot, ask.user, id, 'trino');
    return decision.access === 'granted';
  }

  /** What Warden says of a table's rows and columns: not its business, denied, or the granted decision. */
  function governed({ ask }: Asked, table: TableName | undefined): Governed {
    if (!ask.user || !table) return DENIED;
    const mode = modeOf(ask.integration, table.catalogName);
    if (mode !== 'governed') return mode === 'deny' ? DENIED : UNGOVERNED;
    // Trino's own metadata: Trino filters it through FilterTables and FilterColumns.
    if (table.schemaName.toLowerCase() === INFORMATION_SCHEMA) return UNGOVERNED;
    const id = sourceOf(ask.snapshot, table.catalogName, table.schemaName, table.tableName);
    const decision = id && id !== 'ambiguous' ? decideFailingClosed(ask.snapshot, ask.user, id, 'trino') : undefined;
    return decision?.access === 'granted' ? { kind: 'granted', decision } : DENIED;
  }

  /** The mask of one column: its expression, `NULL` when the table is denied, undefined when clear. */
  function maskOf(a: Asked, resource: OpaResource | undefined): string | undefined {
    const col = resource?.column;
    const g = governed(a, col);
    if (g.kind === 'ungoverned') return undefined;
    if (g.kind === 'denied') return NOTHING;
    const name = col!.columnName.toLowerCase();
    const column = g.decision.columns.find((d) => d.name.toLowerCase() === name);
    return column?.action === 'mask' ? column.expression : undefined;
  }

  app.serve(opaAllow, async (c, { params, query }) => {
    const a = await asked(c, params.id, query.key);
    const { operation, resource, targetResource } = a.action;
    const rule = known(c, operation);
    let result = false;
    if (rule === 'select') result = await selectAllowed(c, a, resource);
    else if (rule === 'impersonate') result = await impersonationAllowed(deps, a.ask, resource?.user?.user, a.groups);
    else if (rule) result = allowed(a.ask, rule, resource, targetResource);
    return c.json({ result }, 200);
  });

  app.serve(opaBatch, async (c, { params, query }) => {
    const a = await asked(c, params.id, query.key);
    const rule = known(c, a.action.operation);
    const resources = a.action.filterResources ?? [];
    const result: number[] = [];
    if (rule === 'see-columns') {
      // The plugin sends one table with its columns and reads the answer as indices of `columns`.
      const only = resources.length === 1 ? resources[0] : undefined;
      if (only && allowed(a.ask, rule, only)) for (let i = 0; i < (only.table?.columns?.length ?? 0); i++) result.push(i);
    } else if (rule) {
      resources.forEach((r, i) => allowed(a.ask, rule, r) && result.push(i));
    }
    return c.json({ result }, 200);
  });

  app.serve(opaRowFilters, async (c, { params, query }) => {
    const a = await asked(c, params.id, query.key);
    if (known(c, a.action.operation) !== 'row-filters') return c.json({ result: [{ expression: NO_ROWS }] }, 200);
    const g = governed(a, a.action.resource?.table);
    if (g.kind === 'ungoverned') return c.json({ result: [] }, 200);
    const expression = g.kind === 'granted' ? g.decision.rowFilter.expression : NO_ROWS;
    return c.json({ result: expression === null ? [] : [{ expression }] }, 200);
  });

  app.serve(opaColumnMask, async (c, { params, query }) => {
    const a = await asked(c, params.id, query.key);
    const expression = known(c, a.action.operation) === 'column-mask' ? maskOf(a, a.action.resource) : NOTHING;
    return c.json(expression === undefined ? {} : { result: { expression } }, 200);
  });

  app.serve(opaBatchColumnMask, async (c, { params, query }) => {
    const a = await asked(c, params.id, query.key);
    const masking = known(c, a.action.operation) === 'column-mask';
    const result: Array<{ index: number; viewExpression: { expression: string } }> = [];
    (a.action.filterResources ?? []).forEach((r, index) => {
      const expression = masking ? maskOf(a, r) : NOTHING;
      if (expression !== undefined) result.push({ index, viewExpression: { expression } });
    });
    return c.json({ result }, 200);
  });

  return app;
}
