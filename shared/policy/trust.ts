import type { Subject } from '#shared/model/identity.ts';
import type { CompiledCondition } from './condition/compile.ts';
import type { ConditionOutcome } from './conditions.ts';
import type { SourceFacts } from './source-facts.ts';

/**
 * The IAMs whose groups and attributes a policy believes. Any IdP with a SCIM token can put its
 * users in groups of any name, so a group `HR` is only the HR group of an IAM the policy trusts.
 */
export type TrustedIams = ReadonlySet<string>;

const NO_GROUPS: ReadonlySet<string> = new Set();
const NO_ATTRIBUTES: ReadonlyMap<string, ReadonlySet<string>> = new Map();

/** The IAMs a policy trusts: those it names in `trustedIams`, else the deployment's. */
export function policyTrust(named: readonly string[] | undefined, deployment: TrustedIams): TrustedIams {
  return named === undefined ? deployment : new Set(named);
}

/**
 * The subject as a policy trusting `trusted` sees it: a user of another IAM has no groups and
 * no attributes (its id and IAM stay, so `individuals` and `@iam` still name it). What such a
 * user gets is what any IdP could give its users by sending no groups at all.
 */
export function trustedView(subject: Subject, trusted: TrustedIams): Subject {
  return trusted.has(subject.iamid) ? subject : untrustedView(subject);
}

/** The subject as a policy that does not trust its IAM sees it (see `trustedView`). */
export function untrustedView(subject: Subject): Subject {
  return { ...subject, groups: NO_GROUPS, attributes: NO_ATTRIBUTES };
}

/** Why a user's groups and attributes did not count for a policy. */
export function untrustedReason(iamid: string): string {
  return `iam \`${iamid}\` is not trusted by this policy`;
}

/**
 * An outcome over groups and attributes, explained for a user of an untrusted IAM: the reason
 * alone when it failed, the reason first when it held anyway (a negation, say).
 */
export function untrustedOutcome(iamid: string, outcome: ConditionOutcome): ConditionOutcome {
  const reason = untrustedReason(iamid);
  return { holds: outcome.holds, explanation: outcome.holds ? `${reason}; ${outcome.explanation}` : reason };
}

/** A sorted, stable text of a trusted set, for fingerprints. */
export function trustKey(trusted: TrustedIams): string {
  return [...trusted].sort().join(',');
}

/**
 * A condition as a policy trusting `trusted` evaluates it. `readsUserData`: the condition looks
 * at groups or attributes (one that does not, like `@iam` alone, is left as it is).
 */
export function withTrust(cond: CompiledCondition, readsUserData: boolean, trusted: TrustedIams): CompiledCondition {
  if (!readsUserData) return cond;
  const test = (s: Subject, f: SourceFacts): boolean => cond.test(trustedView(s, trusted), f);
  return {
    code: { op: 'call', call: test },
    test,
    evaluate: (s, f) => {
      const view = trustedView(s, trusted);
      const outcome = cond.evaluate(view, f);
      return view === s ? outcome : untrustedOutcome(s.iamid, outcome);
    },
  };
}
