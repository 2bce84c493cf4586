import type { DataSource, Domain } from '#shared/model/catalog.ts';
import type { StoredPolicy } from '#shared/model/policy.ts';
import { physicalTableKey, snapshotOf, snapshotState, type Snapshot } from './snapshot.ts';
import type { SourceEntry, TagCount } from './source-entry.ts';
import { countTags, domainsByTag, entryOf, filePolicy, type SnapshotState } from './snapshot-state.ts';
import { sourceFacts, type SourceFacts } from './source-facts.ts';
import { SourcesByKey } from './source-keys.ts';
import type { TargetKeys } from './targeting.ts';
import { LayeredMap } from './layered-map.ts';
import { DerivedIds, byId } from './derived-ids.ts';

/** What changed since a snapshot: each item by id, with its new content (undefined: deleted). */
export interface SnapshotDelta {
  readonly sources: ReadonlyMap<string, DataSource | undefined>;
  readonly domains: ReadonlyMap<string, Domain | undefined>;
  readonly policies: ReadonlyMap<string, StoredPolicy | undefined>;
}

/*
 * The inverse index (sources by tag, column tag, named domain) exists only to derive, and
 * changes in place: it moves from a snapshot to the one derived from it, so only the newest
 * snapshot of a line can be derived from.
 */
const SOURCE_KEYS = new WeakMap<SnapshotState, SourcesByKey | 'moved'>();

function insertSorted(list: readonly string[], id: string): string[] {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (byId(list[mid]!, id) < 0) lo = mid + 1;
    else hi = mid;
  }
  return [...list.slice(0, lo), id, ...list.slice(lo)];
}

function sourceKeysOf(state: SnapshotState): SourcesByKey {
  const held = SOURCE_KEYS.get(state);
  if (held === 'moved') throw new Error('a snapshot can be derived from once: derive from the newest one');
  SOURCE_KEYS.set(state, 'moved');
  return held ?? new SourcesByKey();
}

type Catalog = () => Iterable<SourceFacts>;

/** Members of a domain as defined by `domain` (or only by the sources naming `id`). */
function members(keys: SourcesByKey, catalog: Catalog, id: string, domain: Domain | undefined): string[] {
  return [...keys.sources(`o:${id}`, catalog), ...(domain?.tags ?? []).flatMap((t) => [...keys.sources(`t:${t}`, catalog)])];
}

function* factsIn(entries: LayeredMap<string, SourceEntry>, changed?: ReadonlyMap<string, SourceFacts | undefined>): IterableIterator<SourceFacts> {
  for (const [id, e] of entries.entries()) if (!changed?.has(id)) yield e.facts;
  for (const f of changed?.values() ?? []) if (f) yield f;
}

/**
 * The snapshot `previous` becomes after `delta`, recompiling only what it touches: the changed
 * policies, and the entries of the sources a change can alter (a changed source; the sources a
 * changed policy can match, before or after; the members of a changed domain, before or after).
 * Equal to `compileSnapshot` of the changed input (catalog in id order). `previous` must come
 * from `compileSnapshot` or `deriveSnapshot` and not have been derived from yet; a change of the
 * trusted IAMs is not a delta (compile anew).
 */
export function deriveSnapshot(previous: Snapshot, delta: SnapshotDelta): Snapshot {
  const state = snapshotState(previous);
  if (!state) throw new Error('a snapshot can be derived only from one compiled by `compileSnapshot`');
  const keys = sourceKeysOf(state);
  const touched = new Set<string>();
  let everySource = false;
  const reached: string[] = [];
  const reach = (k: TargetKeys | undefined): void => {
    if (k === 'all' || k === 'scan') everySource = true;
    else if (k) reached.push(...k);
  };

  let { policies, subscriptions, subscriptionIndex, dataIndex, domains, domainsByTag: byTag } = state;
  if (delta.policies.size) {
    const nextPolicies = new Map(policies);
    const compiled = { subscriptionIndex: subscriptionIndex.clone(), dataIndex: dataIndex.clone(), subscriptions: new Map(subscriptions) };
    for (const [key, stored] of delta.policies) {
      const old = nextPolicies.get(key);
      if (old && !old.document.staged) {
        reach(old.document.type === 'data' ? compiled.dataIndex.remove(key) : compiled.subscriptionIndex.remove(key));
        compiled.subscriptions.delete(key);
      }
      if (stored) nextPolicies.set(key, stored);
      else nextPolicies.delete(key);
      if (stored && !stored.document.staged) reach(filePolicy(stored, compiled, state.trustedIams, state.defaultIam));
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

  if (delta.domains.size) {
    const next = new Map(domains);
    for (const [id, domain] of delta.domains) {
      const before = () => factsIn(state.entries);
      for (const m of [...members(keys, before, id, domains.get(id)), ...members(keys, before, id, domain)]) touched.add(m);
      if (domain) next.set(id, domain);
      else next.delete(id);
    }
    domains = new Map([...next].sort(([a], [b]) => byId(a, b)));
    byTag = domainsByTag(domains.values());
  }

  const changedFacts = new Map<string, SourceFacts | undefined>();
  const tableChanges = new Map<string, readonly string[] | undefined>();
  let tagCounts: ReadonlyMap<string, TagCount> = state.tagCounts;
  const idChanges = { removed: new Set<string>(), added: [] as string[] };
  if (delta.sources.size) {
    // Counts change in place: copied, not shared with the previous snapshot.
    const counts = new Map([...state.tagCounts].map(([tag, c]) => [tag, { ...c }]));
    const tableIds = (k: string): readonly string[] => (tableChanges.has(k) ? (tableChanges.get(k) ?? []) : (state.byTable.get(k) ?? []));
    for (const [id, source] of delta.sources) {
      touched.add(id);
      const old = state.entries.get(id)?.facts;
      if (old) {
        keys.remove(old);
        countTags(counts, old.source, -1);
        const k = physicalTableKey(old.source);
        const left = tableIds(k).filter((x) => x !== id);
        tableChanges.set(k, left.length ? left : undefined);
      }
      const facts = source && sourceFacts(source);
      if (facts) {
        keys.add(facts);
        countTags(counts, facts.source, 1);
        const k = physicalTableKey(facts.source);
        tableChanges.set(k, insertSorted(tableIds(k), id));
      }
      if (old && !facts) idChanges.removed.add(id);
      if (!old && facts) idChanges.added.push(id);
      changedFacts.set(id, facts);
    }
    tagCounts = counts;
  }

  const after = () => factsIn(state.entries, changedFacts);
  for (const k of reached) {
    if (k.startsWith('s:')) touched.add(k.slice(2));
    else if (k.startsWith('d:')) for (const m of members(keys, after, k.slice(2), domains.get(k.slice(2)))) touched.add(m);
    else for (const id of keys.sources(k, after)) touched.add(id);
  }

  const inputs = { domains, domainsByTag: byTag, subscriptionIndex, dataIndex, trustedIams: state.trustedIams };
  const factsOf = (id: string): SourceFacts | undefined => (changedFacts.has(id) ? changedFacts.get(id) : state.entries.get(id)?.facts);
  let entries: LayeredMap<string, SourceEntry>;
  if (everySource) {
    const all = new Map<string, SourceEntry>();
    for (const [id, entry] of state.entries.entries()) if (!changedFacts.has(id)) all.set(id, entryOf(entry.facts, inputs));
    for (const [id, facts] of changedFacts) if (facts) all.set(id, entryOf(facts, inputs));
    entries = LayeredMap.of(all);
  } else {
    const changed = new Map<string, SourceEntry | undefined>();
    for (const id of touched) {
      const facts = factsOf(id);
      if (facts || changedFacts.has(id)) changed.set(id, facts && entryOf(facts, inputs));
    }
    entries = state.entries.with(changed);
  }

  const previousIds = state.sourceIds;
  const next: SnapshotState = {
    ...state,
    ...inputs,
    policies,
    subscriptions,
    entries,
    byTable: tableChanges.size ? state.byTable.with(tableChanges) : state.byTable,
    tagCounts,
    sourceIds: idChanges.removed.size || idChanges.added.length ? new DerivedIds(previousIds, idChanges).reader() : previousIds,
  };
  const derived = snapshotOf(next);
  SOURCE_KEYS.set(next, keys);
  return derived;
}
