import type { SourceFacts } from './source-facts.ts';

/**
 * What a source has that a policy or a domain can name: `t:` its tag lineage, `c:` its column
 * tag lineage, `o:` the domain it names (the keys of `PolicyIndex`, with `o:` for the `domain`
 * field alone, since domains by tag are found through `t:`).
 */
export function sourceKeys(facts: SourceFacts): string[] {
  const keys: string[] = [];
  for (const t of facts.tagLineage) keys.push(`t:${t}`);
  for (const t of facts.columnTagLineage) keys.push(`c:${t}`);
  if (facts.source.domain !== undefined) keys.push(`o:${facts.source.domain}`);
  return keys;
}

/** Sources by what they have (see `sourceKeys`): which sources a changed policy or domain can touch. */
export class SourcesByKey {
  private readonly byKey = new Map<string, Set<string>>();

  /** The index of every source of `facts`. */
  static of(facts: Iterable<SourceFacts>): SourcesByKey {
    const index = new SourcesByKey();
    for (const f of facts) index.add(f);
    return index;
  }

  /** Files a source under each of its keys. */
  add(facts: SourceFacts): void {
    for (const k of sourceKeys(facts)) {
      const ids = this.byKey.get(k);
      if (ids) ids.add(facts.source.id);
      else this.byKey.set(k, new Set([facts.source.id]));
    }
  }

  /** Unfiles a source (as it was filed). */
  remove(facts: SourceFacts): void {
    for (const k of sourceKeys(facts)) {
      const ids = this.byKey.get(k);
      ids?.delete(facts.source.id);
      if (ids?.size === 0) this.byKey.delete(k);
    }
  }

  /** The ids of the sources filed under `key`. */
  sources(key: string): ReadonlySet<string> {
    return this.byKey.get(key) ?? EMPTY;
  }
}

const EMPTY: ReadonlySet<string> = new Set();
