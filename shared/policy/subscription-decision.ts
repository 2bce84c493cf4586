import type { Subject } from '#shared/model/identity.ts';
import type { SubscriptionVerdict } from '#shared/model/decision.ts';
import type { Snapshot } from './snapshot.ts';
import type { SourceEntry } from './source-entry.ts';
import type { CompiledSubscription } from './subscription/compile.ts';
import { planHolds } from './subscription/plan.ts';

/**
 * The subscription part of a decision. `subscription` and a denial's `reason` are worked out
 * when first read (spreading or serialising the decision reads them), then kept.
 */
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

/** What explains one decision, worked out on first read and kept. */
class Explanation {
  private built?: readonly SubscriptionVerdict[];
  private denied?: string;

  constructor(
    private readonly subject: Subject,
    private readonly entry: SourceEntry,
    private readonly approved: boolean,
  ) {}

  get verdicts(): readonly SubscriptionVerdict[] {
    return (this.built ??= this.entry.subscriptions.map((p) => safeVerdict(p, this.subject, this.entry, this.approved)));
  }

  get denial(): string {
    return (this.denied ??= denialReason(this.verdicts, this.entry.disabledPolicies));
  }
}

/*
 * The decision as a caller reads it. Verdicts and a denial's reason are built on first read:
 * most callers (listings, Trino's visibility, the query engine's checks) only read `access`,
 * and explanations are most of a decision's cost. The getters are own and enumerable, so
 * spreading or serialising a decision reads them like plain fields, in the same order.
 */
function decision(access: SubscriptionDecision['access'], discoverable: boolean, entry: SourceEntry, e: Explanation, reason?: string): SubscriptionDecision {
  const disabledPolicies = entry.disabledPolicies;
  if (reason === undefined) {
    return disabledPolicies.length
      ? { access, discoverable, get subscription() { return e.verdicts; }, disabledPolicies }
      : { access, discoverable, get subscription() { return e.verdicts; } };
  }
  return disabledPolicies.length
    ? { access, discoverable, get subscription() { return e.verdicts; }, disabledPolicies, reason }
    : { access, discoverable, get subscription() { return e.verdicts; }, reason };
}

function denial(entry: SourceEntry, e: Explanation): SubscriptionDecision {
  const disabledPolicies = entry.disabledPolicies;
  const discoverable = entry.discovery;
  return disabledPolicies.length
    ? { access: 'denied', discoverable, get subscription() { return e.verdicts; }, disabledPolicies, get reason() { return e.denial; } }
    : { access: 'denied', discoverable, get subscription() { return e.verdicts; }, get reason() { return e.denial; } };
}

/**
 * Decides whether a subject may query a source, with every applicable policy's verdict.
 * Default deny; `undefined` for an unknown source.
 */
export function decideSubscription(snapshot: Snapshot, subject: Subject, sourceId: string, opts: DecideOptions = {}): SubscriptionDecision | undefined {
  const entry = snapshot.source(sourceId);
  if (!entry) return undefined;
  // A request is a manual override only while every policy on the source allows requests.
  const approved = entry.requestsAllowed && requestValid(opts);
  const e = new Explanation(subject, entry, approved);
  if (!subject.active) return decision('denied', false, entry, e, 'user is inactive');
  if (planHolds(entry.accessPlan(), subject, entry.facts, approved)) return decision('granted', true, entry, e);
  if (approved) return decision('granted', true, entry, e, 'approved access request');
  return denial(entry, e);
}

/** The same decision without explanations or requests: whether the subject may query the source. */
export function grants(entry: SourceEntry, subject: Subject): boolean {
  return subject.active && planHolds(entry.accessPlan(), subject, entry.facts, false);
}
