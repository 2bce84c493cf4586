import type { Subject } from '#shared/model/identity.ts';
import type { ColumnDecision, Dialect, RowFilterDecision } from '#shared/model/decision.ts';
import { trustedView, untrustedOutcome, type TrustedIams } from '../trust.ts';
import type { Audience, ColumnPlan, DataPlan } from './plan.ts';

/** What one user sees of one source: columns, row filter and the secure-view query. */
export interface DataEvaluation {
  readonly columns: ColumnDecision[];
  readonly rowFilter: RowFilterDecision;
  readonly query: string;
}

/**
 * Applies a plan to one user: the winning mask of each column unless its audience spares the
 * user, and every row filter meant for the user, ANDed. Only string work is left at this point.
 * Each rule sees the user as its policy does: without groups or attributes when the user's IAM
 * is not one the policy trusts (no exception spares it, an entitlement filter shows nothing).
 */
export function evaluateDataPlan(plan: DataPlan, subject: Subject, dialect: Dialect): DataEvaluation {
  const p = plan.dialects[dialect];
  const columns: ColumnDecision[] = new Array(p.columns.length);
  let select = '';
  for (let i = 0; i < p.columns.length; i++) {
    const decision = columnDecision(p.columns[i]!, subject);
    columns[i] = decision;
    select += (i ? ', ' : '') + decision.expression + p.columns[i]!.alias;
  }
  let where = '';
  const keys: string[] = [];
  for (const f of p.filters) {
    if (f.audience && !applies(f.audience, subject, f.trusted).applies) continue;
    where += `${where ? ' AND ' : ''}(${typeof f.sql === 'string' ? f.sql : f.sql(trustedView(subject, f.trusted))})`;
    if (!keys.includes(f.policyKey)) keys.push(f.policyKey);
  }
  const rowFilter: RowFilterDecision = { expression: where || null, policyKeys: keys };
  return { columns, rowFilter, query: `SELECT ${select} FROM ${p.from}${where ? ` WHERE ${where}` : ''}` };
}

function columnDecision(c: ColumnPlan, subject: Subject): ColumnDecision {
  const m = c.mask;
  if (!m) return c.clear;
  if (m.audience) {
    const a = applies(m.audience, subject, m.trusted);
    if (!a.applies) {
      const explanation = m.audience.exceptions ? `excepted from \`${m.policyKey}\`: ${a.why}` : `not included in \`${m.policyKey}\`: ${a.why}`;
      return { name: c.name, action: 'clear', policyKey: m.policyKey, overridden: m.overridden, explanation, expression: c.quoted };
    }
  }
  const sql = m.sql as (s: Subject) => string;
  return m.decision ?? { name: c.name, action: 'mask', masking: m.masking, policyKey: m.policyKey, overridden: m.overridden, expression: sql(trustedView(subject, m.trusted)) };
}

function applies(audience: Audience, subject: Subject, trusted: TrustedIams): { applies: boolean; why: string } {
  const view = audience.readsUserData ? trustedView(subject, trusted) : subject;
  const tested = audience.test(view);
  const outcome = view === subject ? tested : untrustedOutcome(subject.iamid, tested);
  return { applies: audience.exceptions ? !outcome.holds : outcome.holds, why: outcome.explanation };
}

/** True when a rule's audience means the user (not excepted, or included). */
function meant(audience: Audience, subject: Subject, trusted: TrustedIams): boolean {
  const holds = audience.holds(audience.readsUserData ? trustedView(subject, trusted) : subject);
  return audience.exceptions ? !holds : holds;
}

/**
 * What simulation compares of one user's view of a source, as one string built without the
 * query or any explanation: each masked column's name followed by NUL (no SQL name holds one),
 * then NUL, then the row filter (PostgreSQL dialect), as `evaluateDataPlan` would decide them.
 * Two are equal exactly when the masked columns and the row filter are.
 */
export function dataOutcomeKey(plan: DataPlan, subject: Subject): string {
  const p = plan.dialects.postgres;
  let key = '';
  // String concatenation, no arrays or closures: this runs for every pair a simulation compares.
  for (const c of p.columns) if (c.mask && (!c.mask.audience || meant(c.mask.audience, subject, c.mask.trusted))) key += `${c.name}\u0000`;
  let where = '';
  for (const f of p.filters) {
    if (f.audience && !meant(f.audience, subject, f.trusted)) continue;
    where += `${where ? ' AND ' : ''}(${typeof f.sql === 'string' ? f.sql : f.sql(trustedView(subject, f.trusted))})`;
  }
  return `${key}\u0000${where}`;
}

/** The masked columns (in column order) and the row filter of a `dataOutcomeKey`. */
export function dataOutcome(plan: DataPlan, subject: Subject): { maskedColumns: string[]; rowFilter: string | null } {
  const key = dataOutcomeKey(plan, subject);
  // Names are never empty, so the first NUL NUL (or a leading NUL) ends them.
  const end = key.startsWith('\u0000') ? 0 : key.indexOf('\u0000\u0000') + 1;
  const maskedColumns = end ? key.slice(0, end - 1).split('\u0000') : [];
  const rowFilter = key.slice(end + 1);
  return { maskedColumns, rowFilter: rowFilter || null };
}
