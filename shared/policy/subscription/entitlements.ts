import type { SubscriptionPolicy } from '#shared/model/policy.ts';
import { compileConditionSet, conditionSetCode, readsConditionSet } from '../conditions.ts';
import { testOf } from '../condition/code.ts';
import type { TestCode } from '../condition/test-code.ts';
import { compileCondition, readsUserData, type CompiledCondition } from '../condition/compile.ts';
import { parseCondition } from '../condition/parser.ts';

type Entitlements = NonNullable<SubscriptionPolicy['actions']['entitlements']>;

/** Compiled entitlements, and whether they look at the user's groups or attributes at all. */
export interface CompiledEntitlements extends CompiledCondition {
  readonly readsUserData: boolean;
}

/**
 * Compiles entitlements: each listed group and attribute is a condition, `advanced` one more;
 * operator `all` needs every one, `any` one of them.
 */
export function compileEntitlements(e: Entitlements): CompiledEntitlements {
  const set = compileConditionSet(e);
  const listed = e.groups.length + e.attributes.length;
  const tree = e.advanced === undefined ? undefined : parseCondition(e.advanced);
  const advanced = tree === undefined ? undefined : compileCondition(tree);
  const reads = readsConditionSet(e) || (tree !== undefined && readsUserData(tree));
  const all = e.operator === 'all';
  const setCode = conditionSetCode(e);
  if (!advanced) return { code: setCode, test: testOf(setCode), evaluate: set, readsUserData: reads };
  if (listed === 0) return { ...advanced, readsUserData: reads };
  const code: TestCode = { op: all ? 'and' : 'or', left: setCode, right: advanced.code };
  return {
    readsUserData: reads,
    code,
    test: testOf(code),
    evaluate: (s, f) => {
      const a = set(s);
      const b = advanced.evaluate(s, f);
      const holds = all ? a.holds && b.holds : a.holds || b.holds;
      const parts = all ? [a, b].filter((o) => o.holds === holds) : holds ? [a, b].filter((o) => o.holds) : [a, b];
      return { holds, explanation: parts.map((o) => o.explanation).join('; ') };
    },
  };
}
