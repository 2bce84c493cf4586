import type { DataSource, Domain } from '#shared/model/catalog.ts';
import { BUILT_IN_IAM } from '#shared/model/identity.ts';
import type { StoredPolicy, SubscriptionPolicy } from '#shared/model/policy.ts';
import { planDataPolicies, type DataPlan } from './data/plan.ts';
import { PolicyIndex } from './policy-index.ts';
import { sourceFacts, type SourceFacts } from './source-facts.ts';
import { compileSubscription, failClosed, subscriptionFingerprint, type CompiledSubscription } from './subscription/compile.ts';
import { policyTrust, type TrustedIams } from './trust.ts';

/** Everything a decision on one source needs, precomputed. */
export interface SourceEntry {
  readonly facts: SourceFacts;
  /** Applicable non-staged subscription policies, oldest first. */
  readonly subscriptions: readonly CompiledSubscription[];
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

/** How often a tag is used, exactly (not counting descendants). */
export interface TagCount {
  readonly dataSources: number;
  readonly columns: number;
}

/** The compiled catalog and policies; immutable, shared by every decision. */
export interface Snapshot {
  source(id: string): SourceEntry | undefined;
  readonly sourceIds: readonly string[];
  readonly domains: ReadonlyMap<string, Domain>;
  /** Compiled non-staged subscription policies by key. */
  readonly subscriptions: ReadonlyMap<string, CompiledSubscription>;
  readonly tagCounts: ReadonlyMap<string, TagCount>;
  /** The IAMs trusted for policy matching where a policy names no `trustedIams`. */
  readonly trustedIams: TrustedIams;
  /**
   * The ids of the sources registered for a physical table, matched case-insensitively (Trino
   * lowercases identifiers, PostgreSQL folds unquoted ones), in id order; none: `[]`.
   */
  sourcesAt(table: PhysicalTable): readonly string[];
}

/** Where a source's rows live: the catalog fields a query engine resolves a table reference to. */
export interface PhysicalTable {
  readonly platform: DataSource['platform'];
  readonly database: string;
  readonly schema: string;
  readonly table: string;
}

/** The lookup key of a physical table: its parts lowercased, joined by a character no name holds. */
export function physicalTableKey(t: PhysicalTable): string {
  return [t.platform, t.database, t.schema, t.table].map((p) => p.toLowerCase()).join('\u0000');
}

/** What a snapshot is compiled from. */
export interface SnapshotInput {
  readonly sources: readonly DataSource[];
  readonly domains: readonly Domain[];
  readonly policies: readonly StoredPolicy[];
  /** The IAMs an admin trusts for policy matching (the default IAM included unless unmarked). */
  readonly trustedIams: readonly string[];
  /** The IAM of a user a policy lists without one (`WARDEN_DEFAULT_IAM`; absent: the built-in IAM). */
  readonly defaultIam?: string;
}

const byAge = (a: StoredPolicy, b: StoredPolicy): number =>
  a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.document.policyKey < b.document.policyKey ? -1 : 1;

function domainsOf(source: DataSource, facts: SourceFacts, byTag: ReadonlyMap<string, string[]>): string[] {
  const out = new Set<string>();
  if (source.domain !== undefined) out.add(source.domain);
  for (const t of facts.tagLineage) for (const d of byTag.get(t) ?? []) out.add(d);
  return [...out];
}

function countTags(sources: readonly DataSource[]): Map<string, TagCount> {
  const counts = new Map<string, { dataSources: number; columns: number }>();
  const bump = (tag: string, field: 'dataSources' | 'columns'): void => {
    const c = counts.get(tag) ?? { dataSources: 0, columns: 0 };
    c[field]++;
    counts.set(tag, c);
  };
  for (const s of sources) {
    for (const t of s.tags) bump(t, 'dataSources');
    for (const col of s.columns) for (const t of col.tags) bump(t, 'columns');
  }
  return counts;
}

/**
 * Compiles every non-staged policy once and lists, per source, the policies that apply.
 * Pass the `previous` snapshot to reuse compiled policies whose document did not change, so
 * that unchanged sources keep identical policy lists (simulation skips them).
 */
export function compileSnapshot(input: SnapshotInput, previous?: Snapshot): Snapshot {
  const trustedIams: TrustedIams = new Set(input.trustedIams);
  const domains = new Map(input.domains.map((d) => [d.id, d]));
  const domainsByTag = new Map<string, string[]>();
  for (const d of input.domains) for (const t of d.tags) domainsByTag.set(t, [...(domainsByTag.get(t) ?? []), d.id]);

  const reusable = new Map<string, CompiledSubscription>();
  for (const c of previous?.subscriptions.values() ?? []) reusable.set(c.fingerprint, c);

  const active = input.policies.filter((p) => !p.document.staged).sort(byAge);
  const subscriptionIndex = new PolicyIndex<CompiledSubscription>();
  const dataIndex = new PolicyIndex<StoredPolicy>();
  const subscriptions = new Map<string, CompiledSubscription>();
  for (const stored of active) {
    const doc = stored.document;
    if (doc.type === 'data') {
      try {
        dataIndex.add(stored, doc);
      } catch {
        // Unreadable targeting: file it everywhere, the data engine decides what it means.
        dataIndex.add(stored, { circumstanceOperator: 'any', circumstances: [] });
      }
      continue;
    }
    const trusted = policyTrust(doc.trustedIams, trustedIams);
    let compiled = reusable.get(subscriptionFingerprint(doc, trusted));
    try {
      compiled ??= compileSubscription(stored as StoredPolicy & { document: SubscriptionPolicy }, trusted, input.defaultIam ?? BUILT_IN_IAM);
      subscriptionIndex.add(compiled, doc);
    } catch (error) {
      compiled = failClosed(stored, error);
      subscriptionIndex.add(compiled, { circumstanceOperator: 'any', circumstances: [] });
    }
    subscriptions.set(doc.policyKey, compiled);
  }

  const entries = new Map<string, SourceEntry>();
  const byTable = new Map<string, string[]>();
  for (const source of input.sources) {
    const key = physicalTableKey(source);
    const ids = byTable.get(key);
    if (ids) ids.push(source.id);
    else byTable.set(key, [source.id]);
    const facts = sourceFacts(source);
    const inDomains = domainsOf(source, facts, domainsByTag);
    // A policy disabled on the source is left out of its lists, so every decision path skips it alike.
    const disabled = new Set(source.disabledPolicies ?? []);
    const targeting = subscriptionIndex.applicable(facts, inDomains, domains);
    const targetingData = dataIndex.applicable(facts, inDomains, domains);
    const applicable = disabled.size ? targeting.filter((p) => !disabled.has(p.policy.policyKey)) : targeting;
    const dataPolicies = disabled.size ? targetingData.filter((p) => !disabled.has(p.document.policyKey)) : targetingData;
    const disabledPolicies = disabled.size ? [...targeting.map((p) => p.policy.policyKey), ...targetingData.map((p) => p.document.policyKey)].filter((k) => disabled.has(k)) : [];
    let plan: DataPlan | undefined;
    entries.set(source.id, {
      facts,
      domains: inDomains,
      subscriptions: applicable,
      dataPolicies,
      // Planning every source up front would cost compile time for sources nobody queries.
      dataPlan: () => (plan ??= planDataPolicies(source, dataPolicies, trustedIams)),
      discovery: applicable.some((p) => p.policy.actions.allowDiscovery),
      requestsAllowed: applicable.length > 0 && applicable.every((p) => p.allowsRequests),
      disabledPolicies,
    });
  }
  return {
    source: (id) => entries.get(id),
    sourceIds: [...entries.keys()],
    domains,
    subscriptions,
    tagCounts: countTags(input.sources),
    trustedIams,
    sourcesAt: (table) => byTable.get(physicalTableKey(table)) ?? [],
  };
}
