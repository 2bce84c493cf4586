import type { Subject } from '#shared/model/identity.ts';
import type { Decision, Dialect } from '#shared/model/decision.ts';
import { evaluateDataPlan } from './data/evaluate.ts';
import { decideSubscription, type DecideOptions } from './subscription-decision.ts';
import type { Snapshot } from './snapshot.ts';

/** A decision without the envelope the caller adds (user, impersonation, source id). */
export type DecisionBody = Omit<Decision, 'user' | 'impersonatedBy' | 'dataSource'>;

const NO_FILTER = { expression: null, policyKeys: [] } as const;

/**
 * The whole decision for a subject on a source: subscription verdicts, then, when access is
 * granted, the masks, row filter and secure-view query in the dialect. Undefined for an
 * unknown source.
 */
export function decide(snapshot: Snapshot, subject: Subject, sourceId: string, dialect: Dialect, opts: DecideOptions = {}): DecisionBody | undefined {
  const subscription = decideSubscription(snapshot, subject, sourceId, opts);
  if (!subscription) return undefined;
  if (subscription.access === 'denied') return { ...subscription, columns: [], rowFilter: NO_FILTER };
  const data = evaluateDataPlan(snapshot.source(sourceId)!.dataPlan(), subject, dialect);
  return { ...subscription, columns: data.columns, rowFilter: data.rowFilter, query: data.query };
}
