import type { DataSource, Domain } from '#shared/model/catalog.ts';
import type { StoredPolicy, SubscriptionPolicy } from '#shared/model/policy.ts';
import { planDataPolicies, type DataPlan } from './data/plan.ts';
import { PolicyIndex } from './policy-index.ts';
import type { SourceFacts } from './source-facts.ts';
import { compileSubscription, failClosed, subscriptionFingerprint, type CompiledSubscription } from './subscription/compile.ts';
import { planAccess, type AccessPlan } from './subscription/plan.ts';
import type { TargetKeys } from './targeting.ts';
import { policyTrust, type TrustedIams } from './trust.ts';
import type { LayeredMap } from './layered-map.ts';
import type { SourceEntry } from './source-entry.ts';
import { EntryMemo, type InheritedEntries, type SourceCell } from './snapshot-entries.ts';

/** What a snapshot holds beside its answers, so that the next one can be derived from it. */
export interface SnapshotState {
  readonly trustedIams: TrustedIams;
  readonly defaultIam: string;
  /** Every stored policy by key, staged ones too. */
  readonly policies: ReadonlyMap<string, StoredPolicy>;
  readonly subscriptions: ReadonlyMap<string, CompiledSubscription>;
  readonly subscriptionIndex: PolicyIndex<CompiledSubscription>;
  readonly dataIndex: PolicyIndex<StoredPolicy>;
  /** Domains in id order. */
  readonly domains: ReadonlyMap<string, Domain>;
  readonly domainsByTag: ReadonlyMap<string, readonly string[]>;
  /** Every source by id, read on first use. */
  readonly sources: LayeredMap<string, SourceCell>;
  /** The sources' entries, computed on first use. */
  readonly entries: EntryMemo;
  /** Ids by physical table key, in id order. */
  readonly byTable: LayeredMap<string, readonly string[]>;
  /** The ids of the sources, in id order (computed on first use). */
  readonly sourceIds: () => readonly string[];
}

/** Domain ids by each tag that puts a source in them, in the order of `domains`. */
export function domainsByTag(domains: Iterable<Domain>): Map<string, string[]> {
  const byTag = new Map<string, string[]>();
  for (const d of domains) for (const t of d.tags) byTag.set(t, [...(byTag.get(t) ?? []), d.id]);
  return byTag;
}

/**
 * Files a non-staged policy in the index of its type, compiling a subscription policy (or
 * reusing `reusable`'s compilation of the same document and trust); returns where it was filed.
 */
export function filePolicy(
  stored: StoredPolicy,
  into: { subscriptionIndex: PolicyIndex<CompiledSubscription>; dataIndex: PolicyIndex<StoredPolicy>; subscriptions: Map<string, CompiledSubscription> },
  trustedIams: TrustedIams,
  defaultIam: string,
  reusable?: ReadonlyMap<string, CompiledSubscription>,
): TargetKeys {
  const doc = stored.document;
  const rank = { createdAt: stored.createdAt, key: doc.policyKey };
  const everywhere = { circumstanceOperator: 'any', circumstances: [] } as const;
  if (doc.type === 'data') {
    try {
      return into.dataIndex.add(stored, rank, doc);
    } catch {
      // Unreadable targeting: file it everywhere, the data engine decides what it means.
      return into.dataIndex.add(stored, rank, everywhere);
    }
  }
  const trusted = policyTrust(doc.trustedIams, trustedIams);
  let compiled = reusable?.get(subscriptionFingerprint(doc, trusted));
  let keys: TargetKeys;
  try {
    compiled ??= compileSubscription(stored as StoredPolicy & { document: SubscriptionPolicy }, trusted, defaultIam);
    keys = into.subscriptionIndex.add(compiled, rank, doc);
  } catch (error) {
    compiled = failClosed(stored, error);
    keys = into.subscriptionIndex.add(compiled, rank, everywhere);
  }
  into.subscriptions.set(doc.policyKey, compiled);
  return keys;
}

function domainsOf(source: DataSource, facts: SourceFacts, byTag: ReadonlyMap<string, readonly string[]>): string[] {
  const out = new Set<string>();
  if (source.domain !== undefined) out.add(source.domain);
  for (const t of facts.tagLineage) for (const d of byTag.get(t) ?? []) out.add(d);
  return [...out];
}

/** What an entry is computed from. */
export type EntryInputs = Pick<SnapshotState, 'domains' | 'domainsByTag' | 'subscriptionIndex' | 'dataIndex' | 'trustedIams'>;

/** The entry of one source: its domains and the policies that apply to it, from the compiled indexes. */
export function entryOf(facts: SourceFacts, state: EntryInputs): SourceEntry {
  const source = facts.source;
  const inDomains = domainsOf(source, facts, state.domainsByTag);
  // A policy disabled on the source is left out of its lists, so every decision path skips it alike.
  const disabled = new Set(source.disabledPolicies ?? []);
  const targeting = state.subscriptionIndex.applicable(facts, inDomains, state.domains);
  const targetingData = state.dataIndex.applicable(facts, inDomains, state.domains);
  const applicable = disabled.size ? targeting.filter((p) => !disabled.has(p.policy.policyKey)) : targeting;
  const dataPolicies = disabled.size ? targetingData.filter((p) => !disabled.has(p.document.policyKey)) : targetingData;
  const disabledPolicies = disabled.size ? [...targeting.map((p) => p.policy.policyKey), ...targetingData.map((p) => p.document.policyKey)].filter((k) => disabled.has(k)) : [];
  return new Entry(facts, inDomains, applicable, dataPolicies, disabledPolicies, state.trustedIams);
}

/*
 * An entry's plans are made on first use: planning every source up front would cost compile time
 * for sources nobody queries. They are fields of the entry itself, not of closures it holds, so a
 * decision on a random source reaches its access plan one memory read sooner.
 */
class Entry implements SourceEntry {
  readonly discovery: boolean;
  readonly requestsAllowed: boolean;
  #access?: AccessPlan;
  #data?: DataPlan;
  readonly #trustedIams: TrustedIams;

  constructor(
    readonly facts: SourceFacts,
    readonly domains: readonly string[],
    readonly subscriptions: readonly CompiledSubscription[],
    readonly dataPolicies: readonly StoredPolicy[],
    readonly disabledPolicies: readonly string[],
    trustedIams: TrustedIams,
  ) {
    this.discovery = subscriptions.some((p) => p.policy.actions.allowDiscovery);
    this.requestsAllowed = subscriptions.length > 0 && subscriptions.every((p) => p.allowsRequests);
    this.#trustedIams = trustedIams;
  }

  accessPlan(): AccessPlan {
    return (this.#access ??= planAccess(this.subscriptions));
  }

  dataPlan(): DataPlan {
    return (this.#data ??= planDataPolicies(this.facts.source, this.dataPolicies, this.#trustedIams));
  }
}

/** The entries of `sources` under `inputs`, each computed on first use. */
export function entriesOver(sources: LayeredMap<string, SourceCell>, inputs: EntryInputs, inherited?: InheritedEntries): EntryMemo {
  return new EntryMemo((id) => sources.get(id), (facts) => entryOf(facts, inputs), inherited);
}
