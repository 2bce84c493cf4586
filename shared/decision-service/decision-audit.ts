import { userAuditId, type AuditInput } from '#shared/audit/record.ts';
import { auditIdentity } from '#shared/auth/caller.ts';
import type { Decision, Dialect } from '#shared/model/decision.ts';
import type { UserRef } from '#shared/model/identity.ts';
import type { DecisionContext } from './context.ts';

/**
 * Bytes of decisions one batch record holds at most: far below DynamoDB's 400 KB item limit
 * whatever the sources' policies and columns, and enough for a hundred ordinary decisions.
 */
export const BATCH_RECORD_BYTES = 128 * 1024;

/** Keys of the policies `held` or not, by whether they did; absent when none. */
function policiesWhere(d: Decision, held: boolean, name: 'satisfied' | 'unsatisfied') {
  const keys = d.subscription.filter((v) => v.satisfied === held).map((v) => v.policyKey);
  return keys.length ? { [name]: keys } : {};
}

/**
 * What the audit trail keeps of a decision: the verdict and what it rests on, not the SQL nor
 * the explanations. Policy keys are listed by outcome and empty lists left out: DynamoDB
 * Local's time to store a record grows with its size, and a batch record holds a hundred.
 */
function verdictOf(d: Decision) {
  const masked = d.columns.filter((c) => c.action === 'mask').map((c) => c.name);
  return {
    access: d.access,
    ...(d.reason ? { reason: d.reason } : {}),
    ...policiesWhere(d, true, 'satisfied'),
    ...policiesWhere(d, false, 'unsatisfied'),
    ...(masked.length ? { maskedColumns: masked } : {}),
    ...(d.rowFilter.policyKeys.length ? { rowFilterPolicies: d.rowFilter.policyKeys } : {}),
  };
}

const envelope = (ctx: DecisionContext, user: UserRef) => ({
  ...auditIdentity(ctx.caller),
  userId: userAuditId(user),
  action: 'DECISION',
  actionStatus: 'SUCCESS' as const,
  ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
});

/** The audit record of one decision (`targetType: dataSource`). */
export function decisionRecord(ctx: DecisionContext, d: Decision, dialect: Dialect): AuditInput {
  return { ...envelope(ctx, d.user), targetType: 'dataSource', targets: [d.dataSource], payload: { user: d.user, dialect, ...verdictOf(d) } };
}

/**
 * The audit records of one user's decisions asked together: a lone decision's own record, else
 * one record (`targetType: dataSources`, `payload.decisions` in the order asked) per run of
 * decisions up to `BATCH_RECORD_BYTES`. A batch of a hundred sources is one write, not a
 * hundred: what lets batches be decided faster than DynamoDB stores items.
 */
export function decisionRecords(ctx: DecisionContext, decisions: readonly Decision[], dialect: Dialect): AuditInput[] {
  if (decisions.length === 1) return [decisionRecord(ctx, decisions[0]!, dialect)];
  const first = decisions[0]!;
  const records: AuditInput[] = [];
  let run: Array<{ dataSource: string } & ReturnType<typeof verdictOf>> = [];
  let bytes = 0;
  const close = () => {
    records.push({ ...envelope(ctx, first.user), targetType: 'dataSources', targets: run.map((e) => e.dataSource), payload: { user: first.user, dialect, decisions: run } });
    run = [];
    bytes = 0;
  };
  for (const d of decisions) {
    const entry = { dataSource: d.dataSource, ...verdictOf(d) };
    const size = Buffer.byteLength(JSON.stringify(entry));
    if (run.length && bytes + size > BATCH_RECORD_BYTES) close();
    run.push(entry);
    bytes += size;
  }
  if (run.length) close();
  return records;
}

/** How many sources a listing's record names; its counts say how many there were. */
const LISTED_TARGETS = 100;

/** The one audit record of a user's source listing (`targetType: dataSources`): the first granted sources and the counts. */
export function listingRecord(ctx: DecisionContext, user: UserRef, granted: readonly string[], discoverable: number | undefined, evaluated: number): AuditInput {
  return {
    ...envelope(ctx, user),
    targetType: 'dataSources',
    targets: granted.slice(0, LISTED_TARGETS),
    payload: { user, listing: true, granted: granted.length, ...(discoverable !== undefined ? { discoverable } : {}), evaluated },
  };
}
