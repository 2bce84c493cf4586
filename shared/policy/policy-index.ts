import type { DataSource, Domain } from '#shared/model/catalog.ts';
import type { SourceFacts } from './source-facts.ts';
import { targetKeys, type TargetingInput, type TargetPredicate, compileTargeting } from './targeting.ts';

interface Filed<T> {
  readonly item: T;
  readonly order: number;
  readonly matches: TargetPredicate;
}

/**
 * Policies filed by what a source must have for them to apply (tag lineage, column tag
 * lineage, domain, id), so that finding a source's policies touches only plausible ones.
 */
export class PolicyIndex<T> {
  private readonly all: Filed<T>[] = [];
  private readonly scan: Filed<T>[] = [];
  private readonly byKey = new Map<string, Filed<T>[]>();
  private count = 0;

  /** Files a policy; `order` is the position it takes in every source's list. */
  add(item: T, targeting: TargetingInput, matches: TargetPredicate = compileTargeting(targeting)): void {
    const filed = { item, order: this.count++, matches };
    const keys = targetKeys(targeting);
    if (keys === 'all') this.all.push(filed);
    else if (keys === 'scan') this.scan.push(filed);
    else
      for (const k of keys) {
        const list = this.byKey.get(k);
        if (list) list.push(filed);
        else this.byKey.set(k, [filed]);
      }
  }

  /** The policies that apply to a source, in filing order. */
  applicable(facts: SourceFacts, domainIds: Iterable<string>, domains: ReadonlyMap<string, Domain>): T[] {
    const source: DataSource = facts.source;
    const seen = new Set<Filed<T>>();
    const consider = (list: readonly Filed<T>[] | undefined): void => {
      if (list) for (const f of list) seen.add(f);
    };
    consider(this.scan);
    for (const t of facts.tagLineage) consider(this.byKey.get(`t:${t}`));
    for (const t of facts.columnTagLineage) consider(this.byKey.get(`c:${t}`));
    for (const d of domainIds) consider(this.byKey.get(`d:${d}`));
    consider(this.byKey.get(`s:${source.id}`));
    const hits = [...this.all];
    for (const f of seen) if (f.matches(source, domains)) hits.push(f);
    return hits.sort((a, b) => a.order - b.order).map((f) => f.item);
  }
}
