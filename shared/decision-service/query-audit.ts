import type { AuditInput } from '#shared/audit/record.ts';
import { auditIdentity } from '#shared/auth/caller.ts';
import type { Decision } from '#shared/model/decision.ts';
import type { Subject } from '#shared/model/identity.ts';
import type { DecisionContext } from './context.ts';

/** The decisions of one query: its sources decided for one user, the audit left to the caller. */
export interface QueryDecisions {
  /** The user as policies trusting the deployment's IAMs see it (user-context functions read it). */
  readonly subject: Subject;
  readonly sources: readonly QueriedSource[];
  /** The snapshot version the sources were decided on. */
  readonly version: number;
}

/** How much of a query's text its audit record keeps (Databricks keeps the statement; a BI query can be huge). */
export const AUDITED_QUERY_LENGTH = 4096;

/** A data source a query read, and the decision it was read under. */
export interface QueriedSource {
  readonly id: string;
  readonly name: string;
  /** `database.schema.table`, as the catalog registers it. */
  readonly table: string;
  readonly decision: Decision;
}

/** One query a query engine ran or refused, as its audit record names it (the caller is the effective user). */
export interface QueryRecord {
  /** Every data source the query read, decided for the caller. */
  readonly sources: readonly QueriedSource[];
  /** The statement as the client sent it. */
  readonly text: string;
  /** `SUCCESS`: answered; `UNAUTHORIZED`: refused by a policy or the engine's rules; `FAILURE`: it could not be run. */
  readonly status: 'SUCCESS' | 'UNAUTHORIZED' | 'FAILURE';
  readonly reason?: string;
  /** Where the query ran (`recordType`, database, connection): engine-specific fields of the record. */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** At most `AUDITED_QUERY_LENGTH` characters, cut between code points and marked. */
function bounded(text: string): { queryText: string; queryTruncated?: true } {
  if (text.length <= AUDITED_QUERY_LENGTH) return { queryText: text };
  return { queryText: `${Array.from(text.slice(0, AUDITED_QUERY_LENGTH)).slice(0, -1).join('')}…`, queryTruncated: true };
}

/**
 * The audit record of a query, in the shape of a Databricks query record (seed 001): the user
 * and `impersonationUser`, the data sources read, the masked columns of each, the row-filtered
 * sources, the bounded query text, and success or the reason of the refusal.
 */
export function queryAuditRecord(ctx: DecisionContext, q: QueryRecord): AuditInput {
  const identity = auditIdentity(ctx.caller);
  const maskedColumns: Record<string, string[]> = {};
  for (const { id, decision } of q.sources) {
    const masked = decision.columns.filter((c) => c.action === 'mask').map((c) => c.name);
    if (masked.length) maskedColumns[id] = masked;
  }
  return {
    ...identity,
    action: 'QUERY',
    actionStatus: q.status,
    targetType: 'dataSources',
    targets: q.sources.map((s) => s.id),
    payload: {
      accessType: 'query',
      success: q.status === 'SUCCESS',
      ...(q.reason ? { reason: q.reason } : {}),
      dataSources: q.sources.map((s) => ({ id: s.id, name: s.name, table: s.table, access: s.decision.access })),
      maskedColumns,
      rowFilteredSources: q.sources.filter((s) => s.decision.rowFilter.expression !== null).map((s) => s.id),
      ...bounded(q.text),
      queryLanguage: 'sql',
      ...(identity.impersonationUser ? { impersonationUser: identity.impersonationUser } : {}),
      ...q.extra,
    },
    ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
  };
}
