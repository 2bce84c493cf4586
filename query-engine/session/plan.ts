import type { Node } from 'libpg-query';
import type { Caller } from '#shared/auth/caller.ts';
import type { DecisionContext, DecisionService, QueriedSource, QueryRecord } from '#shared/decision-service/index.ts';
import { DomainError } from '#shared/model/errors.ts';
import type { Backend } from '../backend/backend.ts';
import { DataSourceDeniedError, RefusedError } from '../errors.ts';
import { analyze } from '../sql/rewrite.ts';
import { rewrittenSql } from '../sql/rewrite-cache.ts';
import type { ResolveContext } from '../sql/resolve.ts';
import type { UserContext } from '../sql/user-context.ts';
import { WARDEN_SETTINGS, type WardenSetting } from '../sql/statements.ts';
import { loginName } from './login.ts';

/** What planning a query needs beyond the statement: the engine's collaborators and the connection's state. */
export interface PlanContext {
  readonly decisions: DecisionService;
  readonly backend: Backend;
  readonly passThrough: ReadonlySet<string>;
  /** The connection's search path, as the backend resolves unqualified names. */
  readonly searchPath: readonly string[];
  readonly caller: Caller;
  /** The login principal, who stays the session's user while impersonating. */
  readonly login: Caller;
  show(setting: WardenSetting): string;
  /** Fields every audit record of the connection carries (`connectionId`, client address). */
  readonly auditExtra: Readonly<Record<string, unknown>>;
}

/** A query ready to run: the SQL the backend reads, and its audit record to store while it runs. */
export interface Plan {
  readonly sql: string;
  readonly ctx: DecisionContext;
  readonly record: QueryRecord;
}

/**
 * Plans one query for the connection's effective user: resolves every table it reads, decides
 * each data source (refusing the query, 42501, when one is denied), and writes the rewritten
 * SQL. A refusal is audited (UNAUTHORIZED, with its reason) before it is thrown.
 */
export async function planQuery(pc: PlanContext, node: Node, text: string): Promise<Plan> {
  const ctx: DecisionContext = { caller: pc.caller };
  const record = (sources: readonly QueriedSource[], status: QueryRecord['status'], reason?: string): QueryRecord => ({
    sources,
    text,
    status,
    ...(reason ? { reason } : {}),
    extra: { recordType: 'queryEngine', database: pc.backend.database, ...pc.auditExtra },
  });
  let sources: readonly QueriedSource[] = [];
  try {
    const loaded = await pc.decisions.snapshot();
    const { snapshot } = loaded;
    const resolve: ResolveContext = {
      database: pc.backend.database,
      searchPath: pc.searchPath,
      catalog: pc.backend.catalog,
      sourcesAt: (t) => snapshot.sourcesAt(t),
      passThrough: pc.passThrough,
    };
    const analysis = analyze(node, resolve);
    const p = pc.caller.principal;
    if (p.type !== 'user' && analysis.sourceIds.length) {
      throw new RefusedError(`service principal \`${p.id}\` reads data sources only while impersonating a user`, 'impersonate a user first: `SET warden.impersonation_userid = \'…\'`');
    }
    const decided = p.type === 'user' ? await pc.decisions.decideQuery(ctx, { iamid: p.iamid, userid: p.id }, analysis.sourceIds, 'postgres', loaded) : undefined;
    sources = decided?.sources ?? [];
    const denied = sources.find((s) => s.decision.access !== 'granted');
    if (denied) throw new DataSourceDeniedError(denied.id, denied.decision.reason ?? 'no policy grants access');
    const user: UserContext = {
      ...(decided ? { subject: decided.subject } : {}),
      currentUser: pc.caller.principal.id,
      sessionUser: loginName(pc.login),
      settings: Object.fromEntries(WARDEN_SETTINGS.map((s) => [s, pc.show(s)])) as Record<WardenSetting, string>,
    };
    const secure = new Map(sources.map((s) => [s.id, s.decision.query!]));
    const sql = rewrittenSql(node, analysis, secure, user);
    return { sql, ctx, record: record(sources, 'SUCCESS') };
  } catch (err) {
    if (err instanceof DomainError && err.kind === 'forbidden') await pc.decisions.auditQuery(ctx, record(sources, 'UNAUTHORIZED', err.message));
    throw err;
  }
}
