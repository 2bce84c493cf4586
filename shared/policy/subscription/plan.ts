import type { Subject } from '#shared/model/identity.ts';
import type { SourceFacts } from '../source-facts.ts';
import { load, Program, runAt, type ScopedTest } from '../condition/code.ts';
import { joined, normalCallsOut, normalise, type NormalTest } from '../condition/normal.ts';
import { subjectFacts } from '../condition/facts.ts';
import { untrustedView, type TrustedIams } from '../trust.ts';
import type { CompiledSubscription } from './compile.ts';

/**
 * A source's subscription policies as one program, once per snapshot: each test runs in the
 * scope of the IAMs it trusts, whose guard tests the user's IAM fact (-1: it reads no user data),
 * Always Required ones first, so that a yes/no answer reads one array and stops at the first test
 * that settles it. The plan is the program itself, with its counts as fields: a decision on a
 * random source then reads the integers one pointer away from the entry's plan rather than two.
 */
export class AccessPlan extends Program {
  /** Where the first Share Responsibility test starts. */
  readonly sharedAt: number;

  constructor(
    tests: readonly ScopedTest[],
    guards: readonly NormalTest[],
    readonly required: number,
    readonly shared: number,
  ) {
    super(tests, guards);
    let pc = this.testsAt;
    for (let n = 0; n < required; n++) pc += 1 + this[pc + 2]!;
    this.sharedAt = pc;
  }
}

/**
 * A source's tests of one merge: the policies that never call out, joined into one test per
 * trusted set (`and` for Always Required, `or` for Share Responsibility), whose sets then merge
 * (every `NOT @isInGroups` guard one `none` mask, every entitlement group one `any` mask); those
 * that call out follow, each on its own. Tests are pure, so the grouping never changes the answer.
 */
function tests(policies: readonly CompiledSubscription[], op: 'and' | 'or', trusts: Trusts, out: ScopedTest[]): number {
  const joinable = new Map<number, NormalTest[]>();
  const dear: ScopedTest[] = [];
  for (const p of policies) {
    const scope = trusts.scope(p);
    const test = normalise(p.code);
    if (normalCallsOut(test)) dear.push({ test, scope });
    else {
      let joins = joinable.get(scope);
      if (!joins) joinable.set(scope, (joins = []));
      joins.push(test);
    }
  }
  const before = out.length;
  for (const [scope, joins] of joinable) out.push({ test: joined(op, joins), scope });
  out.push(...dear);
  return out.length - before;
}

/** The trusted sets of a source's policies, each a scope whose guard holds for users of its IAMs. */
class Trusts {
  readonly guards: NormalTest[] = [];
  readonly #scopes = new Map<TrustedIams, number>();

  /** The scope of a policy's tests (-1: they read no user data, so any view is the subject's own). */
  scope(p: CompiledSubscription): number {
    if (p.trusted === undefined) return -1;
    let scope = this.#scopes.get(p.trusted);
    if (scope === undefined) {
      this.#scopes.set(p.trusted, (scope = this.guards.length));
      this.guards.push(normalise({ op: 'any', ids: Int32Array.from(p.trustedFacts ?? []) }));
    }
    return scope;
  }
}

/** The access plan of a source's applicable policies. */
export function planAccess(policies: readonly CompiledSubscription[]): AccessPlan {
  const alwaysRequired: CompiledSubscription[] = [];
  const shareResponsibility: CompiledSubscription[] = [];
  for (const p of policies) (p.merge === 'alwaysRequired' ? alwaysRequired : shareResponsibility).push(p);
  const trusts = new Trusts();
  const planned: ScopedTest[] = [];
  const required = tests(alwaysRequired, 'and', trusts, planned);
  const shared = tests(shareResponsibility, 'or', trusts, planned);
  return new AccessPlan(planned, trusts.guards, required, shared);
}

/**
 * Whether `count` tests from `pc` hold: `every` needs them all, otherwise one suffices. An
 * erroring test never holds. Most tests trust the same IAMs, so the subject's view is worked out
 * once per run of equal trust rather than once per test.
 */
function settle(plan: AccessPlan, pc: number, count: number, every: boolean, subject: Subject, source: SourceFacts, approved: boolean): boolean {
  let lastGuard = -1;
  let view = subject;
  let base = plan.bitsAt;
  for (let n = 0; n < count; n++) {
    const guard = plan[pc]!;
    if (guard !== lastGuard) {
      lastGuard = guard;
      const own = guard === -1 || runAt(plan, guard, plan.bitsAt, subject, source, approved);
      view = own ? subject : untrustedView(subject);
      base = own ? plan.bitsAt : plan.zerosAt;
    }
    let holds: boolean;
    try {
      holds = runAt(plan, pc + 1, base, view, source, approved);
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
  load(plan, subjectFacts(subject));
  if (!settle(plan, plan.testsAt, plan.required, true, subject, source, approved)) return false;
  return plan.shared === 0 || settle(plan, plan.sharedAt, plan.shared, false, subject, source, approved);
}
