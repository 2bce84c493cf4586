import type { DataSource, Domain } from '#shared/model/catalog.ts';
import type { SourceFacts } from './source-facts.ts';
import { targetKeys, type TargetKeys, type TargetingInput, type TargetPredicate, compileTargeting } from './targeting.ts';

/** Where a policy sits in every source's list: oldest `createdAt` first, then by key. */
export interface PolicyRank {
  readonly createdAt: string;
  readonly key: string;
}

interface Filed<T> {
  readonly item: T;
  readonly rank: PolicyRank;
  readonly keys: TargetKeys;
  readonly matches: TargetPredicate;
}

const byRank = (a: { rank: PolicyRank }, b: { rank: PolicyRank }): number =>
  a.rank.createdAt < b.rank.createdAt ? -1 : a.rank.createdAt > b.rank.createdAt ? 1 : a.rank.key < b.rank.key ? -1 : a.rank.key > b.rank.key ? 1 : 0;

/**
 * Policies filed by what a source must have for them to apply (tag lineage, column tag
 * lineage, domain, id), so that finding a source's policies touches only plausible ones.
 */
export class PolicyIndex<T> {
  private readonly filed = new Map<string, Filed<T>>();
  private readonly all = new Set<Filed<T>>();
  private readonly scan = new Set<Filed<T>>();
  private readonly byKey = new Map<string, Set<Filed<T>>>();

  /** A copy that files and unfiles without changing this one. */
  clone(): PolicyIndex<T> {
    const copy = new PolicyIndex<T>();
    for (const f of this.filed.values()) copy.file(f);
    return copy;
  }

  /** Files a policy (replacing one of the same key); returns where it was filed (see `TargetKeys`). */
  add(item: T, rank: PolicyRank, targeting: TargetingInput, matches: TargetPredicate = compileTargeting(targeting)): TargetKeys {
    this.remove(rank.key);
    const keys = targetKeys(targeting);
    this.file({ item, rank, keys, matches });
    return keys;
  }

  /** Unfiles the policy of `key`; returns where it was filed, or undefined when it was not. */
  remove(key: string): TargetKeys | undefined {
    const f = this.filed.get(key);
    if (!f) return undefined;
    this.filed.delete(key);
    if (f.keys === 'all') this.all.delete(f);
    else if (f.keys === 'scan') this.scan.delete(f);
    else for (const k of f.keys) this.byKey.get(k)?.delete(f);
    return f.keys;
  }

  /** Whether the policy of `key` applies to a source, as `applicable` decides it; undefined when not filed. */
  matcher(key: string): TargetPredicate | undefined {
    const f = this.filed.get(key);
    if (!f) return undefined;
    return f.keys === 'all' ? () => true : f.matches;
  }

  private file(f: Filed<T>): void {
    this.filed.set(f.rank.key, f);
    if (f.keys === 'all') this.all.add(f);
    else if (f.keys === 'scan') this.scan.add(f);
    else
      for (const k of f.keys) {
        const set = this.byKey.get(k);
        if (set) set.add(f);
        else this.byKey.set(k, new Set([f]));
      }
  }

  /** The policies that apply to a source, oldest first. */
  applicable(facts: SourceFacts, domainIds: Iterable<string>, domains: ReadonlyMap<string, Domain>): T[] {
    const source: DataSource = facts.source;
    const seen = new Set<Filed<T>>();
    const consider = (list: ReadonlySet<Filed<T>> | undefined): void => {
      if (list) for (const f of list) seen.add(f);
    };
    consider(this.scan);
    for (const t of facts.tagLineage) consider(this.byKey.get(`t:${t}`));
    for (const t of facts.columnTagLineage) consider(this.byKey.get(`c:${t}`));
    for (const d of domainIds) consider(this.byKey.get(`d:${d}`));
    consider(this.byKey.get(`s:${source.id}`));
    const hits = [...this.all];
    for (const f of seen) if (f.matches(source, domains)) hits.push(f);
    return hits.sort(byRank).map((f) => f.item);
  }
}
