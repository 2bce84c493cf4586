import type { Subject } from '#shared/model/identity.ts';
import type { ConditionSet } from '#shared/model/policy.ts';
import type { SourceFacts } from '../source-facts.ts';
import { compileConditionHolds } from '../conditions.ts';
import { NO_FACTS, subjectFacts, type SubjectFacts } from '../condition/facts.ts';
import { trustedView, type TrustedIams } from '../trust.ts';
import type { CompiledSubscription } from './compile.ts';

/** Policies of one merge: each one's test, and the IAMs it trusts (absent: it reads no user data). */
interface Tests {
  readonly tests: readonly CompiledSubscription['testView'][];
  readonly trusted: readonly (TrustedIams | undefined)[];
}

/**
 * The tests of a source's subscription policies split by merge, once per snapshot, so that a
 * yes/no answer stops at the first policy that settles it.
 */
export interface AccessPlan {
  readonly required: Tests;
  readonly shared: Tests;
}

function tests(policies: readonly CompiledSubscription[]): Tests {
  return { tests: policies.map((p) => p.testView), trusted: policies.map((p) => p.trusted) };
}

/**
 * Share Responsibility tests, where one that holds suffices: the policies that only ask for
 * one of some groups or attributes become one test per trusted set, over all their groups and
 * attributes, tried first; the others follow, each on its own.
 */
function sharedTests(policies: readonly CompiledSubscription[]): Tests {
  const unions = new Map<TrustedIams | undefined, { groups: string[]; attributes: ConditionSet['attributes'][number][] }>();
  const rest: CompiledSubscription[] = [];
  for (const p of policies) {
    if (!p.anyOf) {
      rest.push(p);
      continue;
    }
    let union = unions.get(p.trusted);
    if (!union) unions.set(p.trusted, (union = { groups: [], attributes: [] }));
    union.groups.push(...p.anyOf.groups);
    union.attributes.push(...p.anyOf.attributes);
  }
  const own = tests(rest);
  const merged = [...unions].map(([trusted, union]) => {
    const holds = compileConditionHolds({ operator: 'any', ...union });
    const test: CompiledSubscription['testView'] = (s, facts) => holds(s, facts);
    return { test, trusted };
  });
  return { tests: [...merged.map((m) => m.test), ...own.tests], trusted: [...merged.map((m) => m.trusted), ...own.trusted] };
}

/** The access plan of a source's applicable policies. */
export function planAccess(policies: readonly CompiledSubscription[]): AccessPlan {
  return {
    required: tests(policies.filter((p) => p.merge === 'alwaysRequired')),
    shared: sharedTests(policies.filter((p) => p.merge === 'shareResponsibility')),
  };
}

/**
 * Whether the tests hold: `every` needs them all, otherwise one suffices. An erroring test
 * never holds. Most policies trust the same IAMs, so the subject's view and its facts are
 * worked out once per run of equal trust rather than once per policy.
 */
function settle(t: Tests, every: boolean, subject: Subject, facts: SubjectFacts, source: SourceFacts, approved: boolean): boolean {
  let lastTrusted: TrustedIams | undefined;
  let lastView = subject;
  let lastFacts = facts;
  for (let i = 0; i < t.tests.length; i++) {
    const trusted = t.trusted[i];
    if (trusted !== undefined && trusted !== lastTrusted) {
      lastTrusted = trusted;
      lastView = trustedView(subject, trusted);
      lastFacts = lastView === subject ? facts : NO_FACTS;
    }
    let holds: boolean;
    try {
      holds = trusted === undefined ? t.tests[i]!(subject, facts, source, approved) : t.tests[i]!(lastView, lastFacts, source, approved);
    } catch {
      holds = false;
    }
    if (holds !== every) return holds;
  }
  return every;
}

/**
 * (AND of Always Required) AND (OR of Share Responsibility); no policy at all denies. The
 * tests are pure, so their order does not change the answer, only how soon it is known.
 */
export function planHolds(plan: AccessPlan, subject: Subject, source: SourceFacts, approved: boolean): boolean {
  const { required, shared } = plan;
  if (required.tests.length === 0 && shared.tests.length === 0) return false;
  const facts = subjectFacts(subject);
  if (!settle(required, true, subject, facts, source, approved)) return false;
  return shared.tests.length === 0 || settle(shared, false, subject, facts, source, approved);
}
