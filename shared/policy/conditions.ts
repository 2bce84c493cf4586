import type { ConditionSet } from '#shared/model/policy.ts';
import type { Subject } from '#shared/model/identity.ts';
import type { TestCode } from './condition/test-code.ts';
import { attributeFact, factSet, groupFact, holdsAll, holdsAny, subjectFacts, type SubjectFacts } from './condition/facts.ts';
import { valueMatches } from './tags.ts';

/** The outcome of one condition set for one subject, with a human explanation. */
export interface ConditionOutcome {
  readonly holds: boolean;
  readonly explanation: string;
}

/** A condition set compiled once, evaluated per subject. */
export type CompiledConditionSet = (subject: Subject) => ConditionOutcome;

/** True when the subject holds `expected` under `name` (with the `.*` descendant wildcard). */
export function hasAttributeValue(subject: Subject, name: string, expected: string): boolean {
  const values = subject.attributes.get(name);
  if (!values) return false;
  if (!expected.endsWith('.*')) return values.has(expected);
  for (const v of values) if (valueMatches(expected, v)) return true;
  return false;
}

/** `value` strictly descends from `prefix` (the `P` of an expected `P.*`). */
function descends(value: string, prefix: string): boolean {
  return value.length > prefix.length + 1 && value.charCodeAt(prefix.length) === 46 && value.startsWith(prefix);
}

/**
 * `hasAttributeValue` for one name and value known in advance: the `.*` prefix is cut once here,
 * not on every call, so a test allocates nothing.
 */
export function attributeTest(name: string, expected: string): (subject: Subject) => boolean {
  if (!expected.endsWith('.*')) return (s) => s.attributes.get(name)?.has(expected) === true;
  const prefix = expected.slice(0, -2);
  return (s) => {
    const values = s.attributes.get(name);
    if (values) for (const v of values) if (descends(v, prefix)) return true;
    return false;
  };
}

/** `okta/HR`: a group or attribute name as explanations show it, qualified by the user's IAM. */
export function qualified(subject: Subject, name: string): string {
  return `${subject.iamid}/${name}`;
}

/**
 * Compiles groups and attributes with `operator` all (every one must hold) or any (one
 * suffices). An empty set holds for `all` and fails for `any`. Explanations name the IAM whose
 * group or attribute it is (`member of okta/HR`, `okta/Country=US`).
 */
export function compileConditionSet(set: ConditionSet): CompiledConditionSet {
  const checks: Array<{ label: (s: Subject) => string; test: (s: Subject) => boolean }> = [
    ...set.groups.map((g) => ({ label: (s: Subject) => `member of ${qualified(s, g)}`, test: (s: Subject) => s.groups.has(g) })),
    ...set.attributes.map((a) => ({
      label: (s: Subject) => `${qualified(s, a.name)}=${a.value}`,
      test: attributeTest(a.name, a.value),
    })),
  ];
  const all = set.operator === 'all';
  return (subject) => {
    const held: string[] = [];
    const missing: string[] = [];
    for (const c of checks) (c.test(subject) ? held : missing).push(c.label(subject));
    const holds = all ? missing.length === 0 : held.length > 0;
    const explanation = holds
      ? held.join('; ') || 'no condition to meet'
      : all
        ? `not ${missing.join('; not ')}`
        : `none of: ${missing.join(', ') || 'no condition listed'}`;
    return { holds, explanation };
  };
}

/**
 * The same test as `compileConditionSet`, without explanations: the hot path of yes/no
 * answers. Every group and attribute listed is one fact id, so `all` is a subset test and
 * `any` an intersection over the user's few facts. `facts`: the subject's, when the caller
 * already has them.
 */
export function compileConditionHolds(set: ConditionSet): (subject: Subject, facts?: SubjectFacts) => boolean {
  const { ids } = conditionSetCode(set);
  return set.operator === 'all' ? (s, facts = subjectFacts(s)) => holdsAll(facts, ids) : (s, facts = subjectFacts(s)) => holdsAny(facts, ids);
}

/** The test of `compileConditionHolds` as code, for an access plan to inline. */
export function conditionSetCode(set: ConditionSet): TestCode & { readonly op: 'any' | 'all' } {
  return { op: set.operator, ids: factSet([...set.groups.map(groupFact), ...set.attributes.map((a) => attributeFact(a.name, a.value))]) };
}

/** True when the set looks at groups or attributes at all (an empty one does not). */
export function readsConditionSet(set: ConditionSet): boolean {
  return set.groups.length + set.attributes.length > 0;
}
