import { createHash } from 'node:crypto';
import type { Subject } from '#shared/model/identity.ts';
import type { SubscriptionVerdict } from '#shared/model/decision.ts';
import type { StoredPolicy, SubscriptionPolicy } from '#shared/model/policy.ts';
import type { CompiledCondition } from '../condition/compile.ts';
import type { TestCode } from '../condition/test-code.ts';
import type { SourceFacts } from '../source-facts.ts';
import { trustKey, withTrust, type TrustedIams } from '../trust.ts';
import { compileEntitlements } from './entitlements.ts';
import { iamFact } from '../condition/facts.ts';

/** A subscription policy ready to evaluate. `approved`: the user holds a valid approved request. */
export interface CompiledSubscription {
  readonly policy: SubscriptionPolicy;
  readonly stored: StoredPolicy;
  /** Equal fingerprints mean equal documents, hence equal decisions (simulation skips on it). */
  readonly fingerprint: string;
  readonly merge: 'alwaysRequired' | 'shareResponsibility';
  /** Whether an approved request may override this policy (`approval` policies always allow it). */
  readonly allowsRequests: boolean;
  /** The IAMs whose users' groups and attributes count (see `trustedView`); absent: `code` reads neither. */
  readonly trusted?: TrustedIams;
  /**
   * Their IAM facts (see `iamFact`), for an access plan's test of trust: interned here, when
   * policies compile, so that planning on the decision path adds no id (and no user's facts go stale).
   */
  readonly trustedFacts?: readonly number[];
  /**
   * The verdict's `satisfied` alone, as code run on the subject as `trusted` sees it (an access
   * plan inlines it, and works the view out once for every policy trusting the same IAMs).
   */
  readonly code: TestCode;
  readonly evaluate: (subject: Subject, source: SourceFacts, approved: boolean) => SubscriptionVerdict;
}

/** A stable content hash of a policy document. */
export function fingerprint(doc: unknown): string {
  return createHash('sha1').update(JSON.stringify(doc)).digest('base64url');
}

/** The fingerprint of a subscription policy compiled to trust `trusted`: both decide its verdicts. */
export function subscriptionFingerprint(doc: unknown, trusted: TrustedIams): string {
  return fingerprint({ document: doc, trustedIams: trustKey(trusted) });
}

function individuals(list: NonNullable<SubscriptionPolicy['actions']['individuals']>, defaultIam: string): CompiledCondition {
  // By IAM, then user id: two lookups and no key to build per test.
  const ids = new Map<string, Set<string>>();
  for (const i of list) {
    const iam = i.iamid ?? defaultIam;
    ids.set(iam, (ids.get(iam) ?? new Set()).add(i.userid));
  }
  const test = (s: Subject): boolean => ids.get(s.iamid)?.has(s.userid) === true;
  return {
    code: { op: 'call', call: test },
    test,
    evaluate: (s) => (test(s) ? { holds: true, explanation: 'listed individually' } : { holds: false, explanation: 'not listed individually' }),
  };
}

const ANYONE: CompiledCondition = { code: { op: 'constant', holds: true }, test: () => true, evaluate: () => ({ holds: true, explanation: 'anyone' }) };

/** A compiled condition, and the IAMs whose groups and attributes it believes when it reads them. */
interface Condition {
  readonly cond: CompiledCondition;
  readonly trusted?: TrustedIams;
}

/** Only entitlements look at groups and attributes, so only they depend on which IAMs are trusted. */
function condition(p: SubscriptionPolicy, trusted: TrustedIams, defaultIam: string): Condition | undefined {
  switch (p.actions.type) {
    case 'anyone':
      return { cond: ANYONE };
    case 'approval':
      return undefined;
    case 'entitlements': {
      // The schema requires entitlements for this level; an empty set keeps a bad document denying.
      const e = compileEntitlements(p.actions.entitlements ?? { operator: 'any', groups: [], attributes: [] });
      return e.readsUserData ? { cond: e, trusted } : { cond: e };
    }
    case 'individuals':
      return { cond: individuals(p.actions.individuals ?? [], defaultIam) };
  }
}

/**
 * Compiles one (validated) subscription policy. Its groups and attributes count only for users
 * of `trusted` IAMs (the policy's `trustedIams`, else the deployment's: see `policyTrust`); an
 * individual listed without IAM is of `defaultIam`.
 */
export function compileSubscription(stored: StoredPolicy & { document: SubscriptionPolicy }, trusted: TrustedIams, defaultIam: string): CompiledSubscription {
  const policy = stored.document;
  const { merge } = policy.actions;
  const policyKey = policy.policyKey;
  const c = condition(policy, trusted, defaultIam);
  const verdict = (satisfied: boolean, explanation: string): SubscriptionVerdict => ({ policyKey, merge, satisfied, explanation });
  const common = {
    policy,
    stored,
    fingerprint: subscriptionFingerprint(policy, trusted),
    merge,
    allowsRequests: policy.actions.allowRequests || policy.actions.type === 'approval',
  };
  if (!c) {
    return {
      ...common,
      code: { op: 'approved' },
      evaluate: (_s, _f, approved) => verdict(approved, approved ? 'approved access request' : 'requires an approved access request'),
    };
  }
  const { cond } = c;
  const explained = c.trusted ? withTrust(cond, true, c.trusted) : cond;
  return {
    ...common,
    ...(c.trusted ? { trusted: c.trusted, trustedFacts: [...c.trusted].map(iamFact) } : {}),
    code: cond.code,
    evaluate: (s, f) => {
      const o = explained.evaluate(s, f);
      return verdict(o.holds, o.explanation);
    },
  };
}

/**
 * Stands in for a stored policy that no longer compiles: it applies to every source and
 * never holds, so an erroring policy can only deny.
 */
export function failClosed(stored: StoredPolicy, error: unknown): CompiledSubscription {
  const policyKey = stored.document.policyKey;
  const explanation = `policy does not compile: ${error instanceof Error ? error.message : String(error)}`;
  return {
    policy: stored.document as SubscriptionPolicy,
    stored,
    fingerprint: fingerprint(stored.document),
    merge: 'alwaysRequired',
    allowsRequests: false,
    code: { op: 'constant', holds: false },
    evaluate: () => ({ policyKey, merge: 'alwaysRequired', satisfied: false, explanation }),
  };
}
