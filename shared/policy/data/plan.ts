import type { Column, DataSource } from '#shared/model/catalog.ts';
import { DIALECTS, type ColumnDecision, type Dialect } from '#shared/model/decision.ts';
import type { ConditionSet, DataRule, Masking, StoredPolicy } from '#shared/model/policy.ts';
import type { Subject } from '#shared/model/identity.ts';
import { compileConditionHolds, compileConditionSet, readsConditionSet, type CompiledConditionSet } from '../conditions.ts';
import { sqlDialect } from '../sql/dialects.ts';
import { typedNull } from '../sql/literals.ts';
import { tableRef } from '../sql/query.ts';
import { policyTrust, type TrustedIams } from '../trust.ts';
import { ExpressionError, MissingTagError, RuleNotApplicableError } from './errors.ts';
import { filterFor, maskFor } from './rule-sql.ts';
import type { Sql } from './template.ts';
import { oldestFirst, rankedCandidates, type MaskCandidate } from './winner.ts';

/** Who a rule is for: everyone except those the set holds for, or only those. */
export interface Audience {
  readonly exceptions: boolean;
  readonly test: CompiledConditionSet;
  /** The same test without its explanation. */
  readonly holds: (subject: Subject) => boolean;
  /** The set looks at groups or attributes (an empty one does not). */
  readonly readsUserData: boolean;
}

export interface MaskPlan {
  readonly policyKey: string;
  /** The IAMs whose groups and attributes the rule's policy believes (audience and SQL). */
  readonly trusted: TrustedIams;
  readonly masking: Masking;
  readonly overridden: readonly string[];
  readonly audience: Audience | null;
  readonly sql: Sql;
  /** The whole decision when nothing in it depends on the user. */
  readonly decision: ColumnDecision | null;
}

export interface ColumnPlan {
  readonly name: string;
  readonly quoted: string;
  /** ` AS "name"`, appended in the query. */
  readonly alias: string;
  readonly clear: ColumnDecision;
  readonly mask: MaskPlan | null;
}

export interface FilterPlan {
  readonly policyKey: string;
  readonly trusted: TrustedIams;
  readonly audience: Audience | null;
  readonly sql: Sql;
}

export interface DialectPlan {
  readonly from: string;
  readonly columns: readonly ColumnPlan[];
  readonly filters: readonly FilterPlan[];
}

/** A rule that did not apply as written to this source, and why. */
export interface DataPlanNote {
  readonly policyKey: string;
  readonly rule: number;
  readonly column?: string;
  readonly reason: string;
}

/** Everything about a source's data policies that does not depend on the user, per dialect. */
export interface DataPlan {
  readonly dataSource: string;
  readonly dialects: Readonly<Record<Dialect, DialectPlan>>;
  readonly notes: readonly DataPlanNote[];
}

/**
 * Plans the data policies that apply to `source`, once per snapshot: the winning mask of each
 * column, the row filters, and their SQL in every dialect with only user values left open.
 * A rule needing a tag no column carries skips the source; a rule that cannot be written for a
 * column's type fails closed (a typed NULL, or a FALSE filter) and is listed in `notes`.
 * `deployment`: the IAMs trusted for policy matching, for policies naming no `trustedIams`.
 */
export function planDataPolicies(source: DataSource, policies: readonly StoredPolicy[], deployment: TrustedIams): DataPlan {
  const active = oldestFirst(policies.filter((p) => p.document.type === 'data' && !p.document.staged));
  const notes: DataPlanNote[] = [];
  const trustOf = (p: StoredPolicy): TrustedIams => policyTrust(p.document.trustedIams, deployment);
  const masks = source.columns.map((column) => planMask(source, column, active, notes, trustOf));
  const filters = planFilters(source, active, notes, trustOf);
  const dialects = {} as Record<Dialect, DialectPlan>;
  DIALECTS.forEach((dialect, di) => {
    const d = sqlDialect(dialect);
    const columns = source.columns.map((column, ci): ColumnPlan => {
      const quoted = d.ident(column.name);
      const clear: ColumnDecision = { name: column.name, action: 'clear', expression: quoted };
      const m = masks[ci];
      if (!m) return { name: column.name, quoted, alias: ` AS ${quoted}`, clear, mask: null };
      const sql = m.sql[di]!;
      const decision: ColumnDecision | null =
        typeof sql === 'string' ? { name: column.name, action: 'mask', masking: m.masking, policyKey: m.policyKey, overridden: m.overridden, expression: sql } : null;
      return { name: column.name, quoted, alias: ` AS ${quoted}`, clear, mask: { ...m, sql, decision } };
    });
    const from = tableRef(d, source.database, source.schema, source.table);
    dialects[dialect] = { from, columns, filters: filters.map((f) => ({ policyKey: f.policyKey, trusted: f.trusted, audience: f.audience, sql: f.sql[di]! })) };
  });
  return { dataSource: source.id, dialects, notes };
}

interface Planned {
  readonly policyKey: string;
  readonly trusted: TrustedIams;
  readonly audience: Audience | null;
  readonly sql: readonly Sql[];
}

/** Stored policies were validated on PUT; a rule that still does not fit is never skipped silently. */
function failsClosed(err: unknown): err is Error {
  return err instanceof RuleNotApplicableError || err instanceof ExpressionError;
}

function audienceOf(rule: DataRule): Audience | null {
  const set: ConditionSet | undefined = rule.exceptions ?? rule.inclusions;
  return set
    ? { exceptions: rule.exceptions !== undefined, test: compileConditionSet(set), holds: compileConditionHolds(set), readsUserData: readsConditionSet(set) }
    : null;
}

function planMask(
  source: DataSource,
  column: Column,
  policies: readonly StoredPolicy[],
  notes: DataPlanNote[],
  trustOf: (p: StoredPolicy) => TrustedIams,
): (Planned & { masking: Masking; overridden: string[] }) | null {
  const candidates = rankedCandidates(policies, column);
  const applicable: MaskCandidate[] = [];
  let winner: (Planned & { masking: Masking }) | null = null;
  for (const c of candidates) {
    const note = (reason: string) => notes.push({ policyKey: c.policyKey, rule: c.ruleIndex, column: column.name, reason });
    try {
      const sql = DIALECTS.map((dialect) => maskFor(c.rule, column, source, sqlDialect(dialect)));
      applicable.push(c);
      winner ??= { policyKey: c.policyKey, trusted: trustOf(policies[c.order]!), audience: audienceOf(c.rule), sql, masking: c.rule.masking };
    } catch (err) {
      if (err instanceof MissingTagError) {
        note(`${err.message}: the rule skips this source`);
        continue;
      }
      if (!failsClosed(err)) throw err;
      note(`${err.message}: the column is masked with NULL instead`);
      applicable.push(c);
      winner ??= { policyKey: c.policyKey, trusted: trustOf(policies[c.order]!), audience: audienceOf(c.rule), sql: DIALECTS.map((dialect) => typedNull(sqlDialect(dialect).castType(column.type))), masking: { type: 'null' } };
    }
  }
  if (!winner) return null;
  const overridden = [...new Set(applicable.map((c) => c.policyKey))].filter((k) => k !== winner.policyKey);
  return { ...winner, overridden };
}

function planFilters(source: DataSource, policies: readonly StoredPolicy[], notes: DataPlanNote[], trustOf: (p: StoredPolicy) => TrustedIams): Planned[] {
  const out: Planned[] = [];
  for (const p of policies) {
    if (p.document.type !== 'data') continue;
    const policyKey = p.document.policyKey;
    const trusted = trustOf(p);
    p.document.rules.forEach((rule, index) => {
      if (rule.type === 'masking') return;
      try {
        out.push({ policyKey, trusted, audience: audienceOf(rule), sql: DIALECTS.map((dialect) => filterFor(rule, source, sqlDialect(dialect))) });
      } catch (err) {
        if (err instanceof MissingTagError) return void notes.push({ policyKey, rule: index, reason: `${err.message}: the rule skips this source` });
        if (!failsClosed(err)) throw err;
        notes.push({ policyKey, rule: index, reason: `${err.message}: the filter shows no rows instead` });
        out.push({ policyKey, trusted, audience: audienceOf(rule), sql: DIALECTS.map(() => 'FALSE') });
      }
    });
  }
  return out;
}
