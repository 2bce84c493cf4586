import type { Subject } from '#shared/model/identity.ts';
import type { SourceFacts } from '../source-facts.ts';
import { conditionSetCode } from '../conditions.ts';
import { callsOut, emit, runAt, type Call, type TestCode } from '../condition/code.ts';
import { NO_FACTS, subjectFacts, type SubjectFacts } from '../condition/facts.ts';
import { trustedView, type TrustedIams } from '../trust.ts';
import type { CompiledSubscription } from './compile.ts';

/**
 * A source's subscription policies as one block of integers, once per snapshot: each policy is
 * the index of the IAMs it trusts (-1: it reads no user data) followed by its code, Always
 * Required ones first, so that a yes/no answer reads one array and stops at the first policy
 * that settles it. The plan is the array itself, with its calls and counts as fields: a decision
 * on a random source then reads the integers one pointer away from the entry's plan rather than
 * two (a miss of ~100 ns saved, measured ~7% of a decision). Not meant for the array methods that
 * build a new array of the same kind (`map`, `slice`…): they would call this constructor.
 */
export class AccessPlan extends Int32Array {
  constructor(
    ops: readonly number[],
    readonly calls: readonly Call[],
    readonly trusts: readonly TrustedIams[],
    readonly required: number,
    readonly shared: number,
    /** Where the first Share Responsibility policy starts. */
    readonly sharedAt: number,
  ) {
    super(ops);
  }
}

/** A test to plan: its code and the IAMs it trusts (absent: it reads no user data). */
type Planned = { readonly code: TestCode; readonly trusted?: TrustedIams };

/*
 * Plans are made on the decision path (a source's first decision), so they are built with plain
 * loops: a deoptimization inside a callback V8 inlined into an array builtin (`map`, `filter`,
 * `forEach`) must rebuild the builtin's frame (`Deoptimizer::DoComputeBuiltinContinuation`),
 * where Node 20's V8 was seen to abort the decision benchmark with `unreachable code`; traced,
 * this plan's `map` was one of the functions deoptimized that way.
 */

/**
 * Share Responsibility tests, where one that holds suffices: the policies that only ask for
 * one of some groups or attributes become one test per trusted set, over all their groups and
 * attributes, tried first; the others follow, each on its own.
 */
function sharedTests(policies: readonly CompiledSubscription[]): Planned[] {
  const unions = new Map<TrustedIams | undefined, { groups: string[]; attributes: { name: string; value: string }[] }>();
  const rest: Planned[] = [];
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
  const out: Planned[] = [];
  for (const [trusted, union] of unions) {
    const code = conditionSetCode({ operator: 'any', ...union });
    out.push(trusted ? { code, trusted } : { code });
  }
  return cheapFirst(rest, out);
}

/**
 * Appends `tests` to `out`, those that only read the subject's facts before those that call
 * out: one that settles the answer early then spares the calls. Each test is pure and caught
 * alone when it throws (see `settle`), so the order never changes the answer.
 */
function cheapFirst(tests: readonly Planned[], out: Planned[] = []): Planned[] {
  const dear: Planned[] = [];
  for (const t of tests) (callsOut(t.code) ? dear : out).push(t);
  for (const t of dear) out.push(t);
  return out;
}

/** The access plan of a source's applicable policies. */
export function planAccess(policies: readonly CompiledSubscription[]): AccessPlan {
  const ops: number[] = [];
  const calls: Call[] = [];
  const trusts: TrustedIams[] = [];
  const add = (tests: readonly Planned[]): void => {
    for (const p of tests) {
      let t = p.trusted === undefined ? -1 : trusts.indexOf(p.trusted);
      if (p.trusted !== undefined && t === -1) t = trusts.push(p.trusted) - 1;
      ops.push(t);
      emit(p.code, ops, calls);
    }
  };
  const alwaysRequired: CompiledSubscription[] = [];
  const shareResponsibility: CompiledSubscription[] = [];
  for (const p of policies) (p.merge === 'alwaysRequired' ? alwaysRequired : shareResponsibility).push(p);
  const required = cheapFirst(alwaysRequired);
  add(required);
  const sharedAt = ops.length;
  const shared = sharedTests(shareResponsibility);
  add(shared);
  return new AccessPlan(ops, calls, trusts, required.length, shared.length, sharedAt);
}

/**
 * Whether `count` policies from `pc` hold: `every` needs them all, otherwise one suffices. An
 * erroring policy never holds. Most policies trust the same IAMs, so the subject's view and its
 * facts are worked out once per run of equal trust rather than once per policy.
 */
function settle(plan: AccessPlan, pc: number, count: number, every: boolean, subject: Subject, facts: SubjectFacts, source: SourceFacts, approved: boolean): boolean {
  const { calls, trusts } = plan;
  let lastTrust = -1;
  let view = subject;
  let viewFacts = facts;
  for (let n = 0; n < count; n++) {
    const t = plan[pc]!;
    if (t !== lastTrust) {
      lastTrust = t;
      view = t === -1 ? subject : trustedView(subject, trusts[t]!);
      viewFacts = view === subject ? facts : NO_FACTS;
    }
    let holds: boolean;
    try {
      holds = runAt(plan, pc + 1, view, viewFacts, calls, source, approved);
    } catch {
      holds = false;
    }
    if (holds !== every) return holds;
    pc += 1 + plan[pc + 2]!;
  }
  return every;
}

/**
 * (AND of Always Required) AND (OR of Share Responsibility); no policy at all denies. The
 * tests are pure, so their order does not change the answer, only how soon it is known.
 */
export function planHolds(plan: AccessPlan, subject: Subject, source: SourceFacts, approved: boolean): boolean {
  if (plan.required + plan.shared === 0) return false;
  const facts = subjectFacts(subject);
  if (!settle(plan, 0, plan.required, true, subject, facts, source, approved)) return false;
  return plan.shared === 0 || settle(plan, plan.sharedAt, plan.shared, false, subject, facts, source, approved);
}
