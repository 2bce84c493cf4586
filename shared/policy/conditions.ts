import type { ConditionSet } from '#shared/model/policy.ts';
import type { Subject } from '#shared/model/identity.ts';
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

/** What a condition set expects under one attribute name: exact values, and `P` of each `P.*`. */
interface Expected {
  readonly name: string;
  readonly exact: readonly string[];
  readonly exactSet: ReadonlySet<string>;
  readonly prefixes: readonly string[];
}

function expectedByName(attributes: ConditionSet['attributes']): Expected[] {
  const byName = new Map<string, { exact: string[]; prefixes: string[] }>();
  for (const { name, value } of attributes) {
    const e = byName.get(name) ?? { exact: [], prefixes: [] };
    byName.set(name, e);
    if (value.endsWith('.*')) e.prefixes.push(value.slice(0, -2));
    else e.exact.push(value);
  }
  return [...byName].map(([name, e]) => ({ name, exact: e.exact, exactSet: new Set(e.exact), prefixes: e.prefixes }));
}

/** Some user value is expected. A guard may list many values, a user holds few: look up from the smaller side. */
function anyExpected(values: ReadonlySet<string>, e: Expected): boolean {
  if (values.size < e.exact.length) {
    for (const v of values) if (e.exactSet.has(v)) return true;
  } else {
    for (const x of e.exact) if (values.has(x)) return true;
  }
  for (const p of e.prefixes) for (const v of values) if (descends(v, p)) return true;
  return false;
}

/** Every expected value is held. */
function allExpected(values: ReadonlySet<string>, e: Expected): boolean {
  for (const x of e.exact) if (!values.has(x)) return false;
  outer: for (const p of e.prefixes) {
    for (const v of values) if (descends(v, p)) continue outer;
    return false;
  }
  return true;
}

/**
 * The same test as `compileConditionSet`, without explanations: the hot path of yes/no
 * answers. Attributes are grouped by name, so each name is looked up once per subject.
 */
export function compileConditionHolds(set: ConditionSet): (subject: Subject) => boolean {
  const { groups } = set;
  const groupSet = new Set(groups);
  const expected = expectedByName(set.attributes);
  // Plain loops: this runs for every (user, source) pair a simulation compares.
  if (set.operator === 'all') {
    return (s) => {
      for (const g of groups) if (!s.groups.has(g)) return false;
      for (const e of expected) {
        const values = s.attributes.get(e.name);
        if (!values || !allExpected(values, e)) return false;
      }
      return true;
    };
  }
  return (s) => {
    if (s.groups.size < groupSet.size) {
      for (const g of s.groups) if (groupSet.has(g)) return true;
    } else {
      for (const g of groupSet) if (s.groups.has(g)) return true;
    }
    for (const e of expected) {
      const values = s.attributes.get(e.name);
      if (values && anyExpected(values, e)) return true;
    }
    return false;
  };
}

/** True when the set looks at groups or attributes at all (an empty one does not). */
export function readsConditionSet(set: ConditionSet): boolean {
  return set.groups.length + set.attributes.length > 0;
}
