import type { StoredPolicy } from '#shared/model/policy.ts';
import type { DataPlan } from './data/plan.ts';
import type { SourceFacts } from './source-facts.ts';
import type { CompiledSubscription } from './subscription/compile.ts';
import type { AccessPlan } from './subscription/plan.ts';

/** Everything a decision on one source needs, precomputed. */
export interface SourceEntry {
  readonly facts: SourceFacts;
  /** Applicable non-staged subscription policies, oldest first. */
  readonly subscriptions: readonly CompiledSubscription[];
  /** The same policies' tests for a yes/no answer, planned on first use. */
  accessPlan(): AccessPlan;
  /** Applicable non-staged data policies, oldest `createdAt` first. */
  readonly dataPolicies: readonly StoredPolicy[];
  /** Masks and row filters of the source, planned once on first use (user-independent). */
  dataPlan(): DataPlan;
  /** Domains the source belongs to (named or by tag). */
  readonly domains: readonly string[];
  /** Some applicable policy lets users who are denied still see the source. */
  readonly discovery: boolean;
  /** An approved access request may grant: at least one policy, and every one allows it. */
  readonly requestsAllowed: boolean;
  /** Policies that target the source but that its owners disabled on it, by key. */
  readonly disabledPolicies: readonly string[];
}
