import type { Subject } from '#shared/model/identity.ts';
import type { SubscriptionVerdict } from '#shared/model/decision.ts';
import type { SourceEntry, Snapshot } from './snapshot.ts';
import type { CompiledSubscription } from './subscription/compile.ts';

/** The subscription part of a decision. */
export interface SubscriptionDecision {
  readonly access: 'granted' | 'denied';
  readonly discoverable: boolean;
  readonly subscription: readonly SubscriptionVerdict[];
  readonly reason?: string;
  /** Policies that target the source but are disabled on it (absent: none). */
  readonly disabledPolicies?: readonly string[];
}

/** Options of a decision: the user's approved access request on the source, if any. */
export interface DecideOptions {
  readonly approvedRequest?: { readonly expiresAt?: string };
  /** Milliseconds since the epoch; defaults to `Date.now()`. */
  readonly now?: number;
}

/** (AND of alwaysRequired) AND (OR of shareResponsibility); no policy at all denies. */
export function mergeSatisfied(policies: readonly CompiledSubscription[], satisfied: (i: number) => boolean): boolean {
  if (policies.length === 0) return false;
  let shared = false;
  let anyShared = false;
  for (let i = 0; i < policies.length; i++) {
    const ok = satisfied(i);
    if (policies[i]!.merge === 'alwaysRequired') {
      if (!ok) return false;
    } else {
      anyShared = true;
      shared ||= ok;
    }
  }
  return !anyShared || shared;
}

function requestValid(opts: DecideOptions): boolean {
  const r = opts.approvedRequest;
  if (!r) return false;
  if (r.expiresAt === undefined) return true;
  const expires = Date.parse(r.expiresAt);
  return !Number.isNaN(expires) && expires > (opts.now ?? Date.now());
}

function safeVerdict(p: CompiledSubscription, subject: Subject, entry: SourceEntry, approved: boolean): SubscriptionVerdict {
  try {
    return p.evaluate(subject, entry.facts, approved);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { policyKey: p.policy.policyKey, merge: p.merge, satisfied: false, explanation: `policy failed: ${message}` };
  }
}

function denialReason(verdicts: readonly SubscriptionVerdict[], disabled: readonly string[]): string {
  if (verdicts.length === 0) return disabled.length ? `no subscription policy applies: disabled on the source: ${disabled.map((k) => `\`${k}\``).join(', ')}` : 'no subscription policy applies';
  const failed = verdicts.filter((v) => !v.satisfied).map((v) => `\`${v.policyKey}\``);
  return `not satisfied: ${failed.join(', ')}`;
}

/**
 * Decides whether a subject may query a source, with every applicable policy's verdict.
 * Default deny; `undefined` for an unknown source.
 */
export function decideSubscription(snapshot: Snapshot, subject: Subject, sourceId: string, opts: DecideOptions = {}): SubscriptionDecision | undefined {
  const entry = snapshot.source(sourceId);
  if (!entry) return undefined;
  const policies = entry.subscriptions;
  // A request is a manual override only while every policy on the source allows requests.
  const approved = requestValid(opts) && entry.requestsAllowed;
  const verdicts = policies.map((p) => safeVerdict(p, subject, entry, approved));
  const subscription = { subscription: verdicts, ...(entry.disabledPolicies.length ? { disabledPolicies: entry.disabledPolicies } : {}) };
  if (!subject.active) return { access: 'denied', discoverable: false, ...subscription, reason: 'user is inactive' };
  if (mergeSatisfied(policies, (i) => verdicts[i]!.satisfied)) return { access: 'granted', discoverable: true, ...subscription };
  if (approved) {
    return { access: 'granted', discoverable: true, ...subscription, reason: 'approved access request' };
  }
  return { access: 'denied', discoverable: entry.discovery, ...subscription, reason: denialReason(verdicts, entry.disabledPolicies) };
}

/** The same decision without explanations or requests: the fast path of simulation. */
export function grants(entry: SourceEntry, subject: Subject): boolean {
  if (!subject.active) return false;
  const policies = entry.subscriptions;
  return mergeSatisfied(policies, (i) => {
    try {
      return policies[i]!.test(subject, entry.facts, false);
    } catch {
      return false;
    }
  });
}
