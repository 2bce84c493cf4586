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

/*
 * The decision as a caller reads it. Verdicts and a denial's reason are built on first read:
 * most callers (listings, Trino's visibility, the query engine's checks) only read `access`,
 * and explanations are most of a decision's cost. The getters are own and enumerable, so
 * spreading or serialising a decision reads them like plain fields, in the same order. They are
 * defined from shared descriptors (an object literal's getters are new closures per decision,
 * which V8 defines one slow runtime call at a time), and what they read is private.
 */
class Decision implements SubscriptionDecision {
  static readonly #subscription: PropertyDescriptor = {
    get(this: Decision) {
      return this.verdicts();
    },
    enumerable: true,
    configurable: true,
  };

  static readonly #denial: PropertyDescriptor = {
    get(this: Decision) {
      return (this.#denied ??= denialReason(this.verdicts(), this.#entry.disabledPolicies));
    },
    enumerable: true,
    configurable: true,
  };

  declare readonly subscription: readonly SubscriptionVerdict[];
  declare readonly disabledPolicies?: readonly string[];
  declare readonly reason?: string;
  readonly #subject: Subject;
  readonly #entry: SourceEntry;
  readonly #approved: boolean;
  #built?: readonly SubscriptionVerdict[];
  #denied?: string;

  /** `reason`: a fixed reason; `true`: the denial's, worked out when read; absent: none. */
  constructor(
    readonly access: SubscriptionDecision['access'],
    readonly discoverable: boolean,
    subject: Subject,
    entry: SourceEntry,
    approved: boolean,
    reason?: string | true,
  ) {
    this.#subject = subject;
    this.#entry = entry;
    this.#approved = approved;
    Object.defineProperty(this, 'subscription', Decision.#subscription);
    const disabled = entry.disabledPolicies;
    if (disabled.length) this.disabledPolicies = disabled;
    if (reason === true) Object.defineProperty(this, 'reason', Decision.#denial);
    else if (reason !== undefined) this.reason = reason;
  }

  private verdicts(): readonly SubscriptionVerdict[] {
    return (this.#built ??= this.#entry.subscriptions.map((p) => safeVerdict(p, this.#subject, this.#entry, this.#approved)));
  }
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
  if (!subject.active) return new Decision('denied', false, subject, entry, approved, 'user is inactive');
  if (planHolds(entry.accessPlan(), subject, entry.facts, approved)) return new Decision('granted', true, subject, entry, approved);
  if (approved) return new Decision('granted', true, subject, entry, approved, 'approved access request');
  return new Decision('denied', entry.discovery, subject, entry, approved, true);
}

/** The same decision without explanations or requests: whether the subject may query the source. */
export function grants(entry: SourceEntry, subject: Subject): boolean {
  return subject.active && planHolds(entry.accessPlan(), subject, entry.facts, false);
}
