import type { Dialect, Decision } from '#shared/model/decision.ts';
import type { Subject } from '#shared/model/identity.ts';
import { evaluateDataPlan, planDataPolicies, type DataPlan } from '#shared/policy/data/index.ts';
import type { Snapshot, SourceEntry } from '#shared/policy/index.ts';

/** The part of a decision the data policies decide. */
export type DataPart = Pick<Decision, 'columns' | 'rowFilter' | 'query'>;

/** Planned once per (snapshot, source), on first use: only user values are left to fill in. */
const plans = new WeakMap<Snapshot, Map<string, DataPlan>>();

/** The source's data plan under a snapshot (cached with the snapshot). */
export function dataPlan(snapshot: Snapshot, id: string, entry: SourceEntry): DataPlan {
  let bySource = plans.get(snapshot);
  if (!bySource) plans.set(snapshot, (bySource = new Map()));
  let plan = bySource.get(id);
  if (!plan) bySource.set(id, (plan = planDataPolicies(entry.facts.source, entry.dataPolicies)));
  return plan;
}

/** Columns, row filter and secure-view query for a subject granted access to the source. */
export function dataPart(snapshot: Snapshot, id: string, entry: SourceEntry, subject: Subject, dialect: Dialect): DataPart {
  const e = evaluateDataPlan(dataPlan(snapshot, id, entry), subject, dialect);
  return { columns: e.columns, rowFilter: e.rowFilter, query: e.query };
}
