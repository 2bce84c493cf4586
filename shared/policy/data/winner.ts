import type { Column } from '#shared/model/catalog.ts';
import type { StoredPolicy } from '#shared/model/policy.ts';
import { covers, depth } from '../tags.ts';
import type { MaskingRule } from './rule-sql.ts';

/**
 * A column named outright is more specific than any tag, so a `columnNames` selector ranks
 * above the deepest tag.
 */
export const NAME_DEPTH = Number.MAX_SAFE_INTEGER;

/** One masking rule that selects one column, with what ranks it. */
export interface MaskCandidate {
  readonly policyKey: string;
  readonly ruleIndex: number;
  readonly rule: MaskingRule;
  readonly depth: number;
  /** Position of the policy, oldest first: the tie-breaker at equal depth. */
  readonly order: number;
}

/** How deep the rule's best selector matches the column; 0 when none does. */
export function selectorDepth(rule: MaskingRule, column: Column): number {
  let best = 0;
  for (const f of rule.fields) {
    if (f.type === 'columnNames') {
      if (f.names.includes(column.name)) return NAME_DEPTH;
    } else if (column.tags.some((t) => covers(f.tag, t))) {
      best = Math.max(best, depth(f.tag));
    }
  }
  return best;
}

/** Policies oldest first (`createdAt`, then key, so the order is total). */
export function oldestFirst(policies: readonly StoredPolicy[]): StoredPolicy[] {
  return [...policies].sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.document.policyKey < b.document.policyKey ? -1 : 1));
}

/** Every masking rule selecting `column`, best first: deepest match, then oldest policy, then rule order. */
export function rankedCandidates(policies: readonly StoredPolicy[], column: Column): MaskCandidate[] {
  const out: MaskCandidate[] = [];
  policies.forEach((p, order) => {
    if (p.document.type !== 'data') return;
    p.document.rules.forEach((rule, ruleIndex) => {
      if (rule.type !== 'masking') return;
      const d = selectorDepth(rule, column);
      if (d > 0) out.push({ policyKey: p.document.policyKey, ruleIndex, rule, depth: d, order });
    });
  });
  return out.sort((a, b) => b.depth - a.depth || a.order - b.order || a.ruleIndex - b.ruleIndex);
}
