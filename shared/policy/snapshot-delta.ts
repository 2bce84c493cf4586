import type { DataSource, Domain } from '#shared/model/catalog.ts';
import type { StoredPolicy } from '#shared/model/policy.ts';
import { physicalTableKey, snapshotOf, snapshotState, type Snapshot } from './snapshot.ts';
import { domainsByTag, entriesOver, filePolicy, type SnapshotState } from './snapshot-state.ts';
import { preparedCell, type SourceCell } from './snapshot-entries.ts';
import type { SourceFacts } from './source-facts.ts';
import type { PolicyIndex } from './policy-index.ts';
import type { TargetPredicate } from './targeting.ts';
import { DerivedIds, byId, insertSorted } from './derived-ids.ts';

/** What changed since a snapshot: each item by id, with its new content (undefined: deleted). */
export interface SnapshotDelta {
  readonly sources: ReadonlyMap<string, DataSource | undefined>;
  readonly domains: ReadonlyMap<string, Domain | undefined>;
  readonly policies: ReadonlyMap<string, StoredPolicy | undefined>;
}

/** A changed policy as filed before or after the change, with the domains it was matched against. */
interface Reach {
  readonly matches: TargetPredicate;
  readonly after: boolean;
}

/** A source is in a domain's reach if it names it or carries one of the domain's tags (or a descendant). */
const inReach = (facts: SourceFacts, id: string, domain: Domain | undefined): boolean =>
  facts.source.domain === id || (domain?.tags ?? []).some((t) => facts.tagLineage.has(t));

type DomainChange = { readonly id: string; readonly before: Domain | undefined; readonly after: Domain | undefined };

/**
 * Whether a delta can alter a source's entry. Built apart from `deriveSnapshot` so that the
 * closure, which the derived snapshot keeps, holds the delta alone and not the previous state.
 */
function staleness(changedSources: ReadonlySet<string>, domainChanges: readonly DomainChange[], reaches: readonly Reach[], domains: { before: ReadonlyMap<string, Domain>; after: ReadonlyMap<string, Domain> }) {
  return (id: string, facts: SourceFacts): boolean =>
    changedSources.has(id) ||
    domainChanges.some((c) => inReach(facts, c.id, c.before) || inReach(facts, c.id, c.after)) ||
    reaches.some((r) => r.matches(facts.source, r.after ? domains.after : domains.before));
}

/**
 * The snapshot `previous` becomes after `delta`, recompiling only the changed policies: no source
 * entry is computed here. The new snapshot takes over a previous entry on first use unless the
 * delta can alter it (the source changed; a changed policy matches it, before or after; it is a
 * member of a changed domain, before or after), so the cost is that of the delta, even for a
 * policy that matches every source. Equal to `compileSnapshot` of the changed input (catalog in
 * id order). `previous` must come from `compileSnapshot` or `deriveSnapshot`; a change of the
 * trusted IAMs is not a delta (compile anew).
 */
export function deriveSnapshot(previous: Snapshot, delta: SnapshotDelta): Snapshot {
  const state = snapshotState(previous);
  if (!state) throw new Error('a snapshot can be derived only from one compiled by `compileSnapshot`');
  const reaches: Reach[] = [];
  const reach = (index: PolicyIndex<unknown>, key: string, after: boolean): void => {
    const matches = index.matcher(key);
    if (matches) reaches.push({ matches, after });
  };

  let { policies, subscriptions, subscriptionIndex, dataIndex, domains, domainsByTag: byTag } = state;
  if (delta.policies.size) {
    const nextPolicies = new Map(policies);
    const compiled = { subscriptionIndex: subscriptionIndex.clone(), dataIndex: dataIndex.clone(), subscriptions: new Map(subscriptions) };
    const indexOf = (p: StoredPolicy): PolicyIndex<unknown> => (p.document.type === 'data' ? compiled.dataIndex : compiled.subscriptionIndex);
    for (const [key, stored] of delta.policies) {
      const old = nextPolicies.get(key);
      if (old && !old.document.staged) {
        reach(indexOf(old), key, false);
        indexOf(old).remove(key);
        compiled.subscriptions.delete(key);
      }
      if (stored) nextPolicies.set(key, stored);
      else nextPolicies.delete(key);
      if (stored && !stored.document.staged) {
        filePolicy(stored, compiled, state.trustedIams, state.defaultIam);
        reach(indexOf(stored), key, true);
      }
    }
    // In age order, as `compileSnapshot` lists them.
    const ranked = [...compiled.subscriptions.values()].sort((a, b) => {
      const pa = nextPolicies.get(a.policy.policyKey)!;
      const pb = nextPolicies.get(b.policy.policyKey)!;
      return pa.createdAt < pb.createdAt ? -1 : pa.createdAt > pb.createdAt ? 1 : byId(a.policy.policyKey, b.policy.policyKey);
    });
    ({ subscriptionIndex, dataIndex } = compiled);
    subscriptions = new Map(ranked.map((c) => [c.policy.policyKey, c]));
    policies = nextPolicies;
  }

  const domainChanges: DomainChange[] = [];
  if (delta.domains.size) {
    const next = new Map(domains);
    for (const [id, domain] of delta.domains) {
      domainChanges.push({ id, before: domains.get(id), after: domain });
      if (domain) next.set(id, domain);
      else next.delete(id);
    }
    domains = new Map([...next].sort(([a], [b]) => byId(a, b)));
    byTag = domainsByTag(domains.values());
  }

  const cells = new Map<string, SourceCell | undefined>();
  const tableChanges = new Map<string, readonly string[] | undefined>();
  const idChanges = { removed: new Set<string>(), added: [] as string[] };
  if (delta.sources.size) {
    const tableIds = (k: string): readonly string[] => (tableChanges.has(k) ? (tableChanges.get(k) ?? []) : (state.byTable.get(k) ?? []));
    for (const [id, source] of delta.sources) {
      const old = state.sources.get(id)?.facts().source;
      if (old) {
        const k = physicalTableKey(old);
        const left = tableIds(k).filter((x) => x !== id);
        tableChanges.set(k, left.length ? left : undefined);
      }
      if (source) {
        const k = physicalTableKey(source);
        tableChanges.set(k, insertSorted(tableIds(k), id));
      }
      if (old && !source) idChanges.removed.add(id);
      if (!old && source) idChanges.added.push(id);
      // A change that cannot be applied fails the derivation (the cache then rebuilds), not a later decision.
      cells.set(id, source && preparedCell(source));
    }
  }

  const stale = staleness(new Set(delta.sources.keys()), domainChanges, reaches, { before: state.domains, after: domains });
  const inputs = { domains, domainsByTag: byTag, subscriptionIndex, dataIndex, trustedIams: state.trustedIams };
  const sources = cells.size ? state.sources.with(cells) : state.sources;
  const previousIds = state.sourceIds;
  const next: SnapshotState = {
    ...state,
    ...inputs,
    policies,
    subscriptions,
    sources,
    entries: entriesOver(sources, inputs, { entries: state.entries.held(), stale }),
    byTable: tableChanges.size ? state.byTable.with(tableChanges) : state.byTable,
    sourceIds: idChanges.removed.size || idChanges.added.length ? new DerivedIds(previousIds, idChanges).reader() : previousIds,
  };
  return snapshotOf(next);
}
