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

function hasKey(facts: SourceFacts, key: string): boolean {
  const value = key.slice(2);
  if (key.startsWith('t:')) return facts.tagLineage.has(value);
  if (key.startsWith('c:')) return facts.columnTagLineage.has(value);
  return key.startsWith('o:') && facts.source.domain === value;
}

/**
 * Sources by what they have (see `sourceKeys`): which sources a changed policy or domain can
 * touch. A key's sources are found by one pass over the catalog the first time it is asked
 * for, then kept up to date, so the index costs nothing until a change needs it.
 */
export class SourcesByKey {
  private readonly byKey = new Map<string, Set<string>>();

  /** Files a source under each of its keys already asked for. */
  add(facts: SourceFacts): void {
    for (const k of sourceKeys(facts)) this.byKey.get(k)?.add(facts.source.id);
  }

  /** Unfiles a source (as it was filed). */
  remove(facts: SourceFacts): void {
    for (const k of sourceKeys(facts)) this.byKey.get(k)?.delete(facts.source.id);
  }

  /** The ids of the sources filed under `key`; `catalog` is every source as this index now holds them. */
  sources(key: string, catalog: () => Iterable<SourceFacts>): ReadonlySet<string> {
    let ids = this.byKey.get(key);
    if (!ids) {
      ids = new Set();
      for (const f of catalog()) if (hasKey(f, key)) ids.add(f.source.id);
      this.byKey.set(key, ids);
    }
    return ids;
  }
}
