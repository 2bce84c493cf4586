/**
 * Hierarchical tags and values are `.`-separated paths. `A.B` covers itself and every
 * descendant `A.B.*`, never a parent or a sibling sharing a prefix (`A.Bc`).
 */

/** True when `tag` equals `ancestor` or descends from it. */
export function covers(ancestor: string, tag: string): boolean {
  return tag === ancestor || (tag.length > ancestor.length && tag.startsWith(ancestor) && tag.charCodeAt(ancestor.length) === 46);
}

/** True when any of `tags` equals `ancestor` or descends from it. */
export function anyCovered(ancestor: string, tags: Iterable<string>): boolean {
  for (const t of tags) if (covers(ancestor, t)) return true;
  return false;
}

/** Every ancestor of a tag including itself, shortest first: `A.B.C` → `A`, `A.B`, `A.B.C`. */
export function lineage(tag: string): string[] {
  const out: string[] = [];
  let i = tag.indexOf('.');
  while (i !== -1) {
    out.push(tag.slice(0, i));
    i = tag.indexOf('.', i + 1);
  }
  out.push(tag);
  return out;
}

/** Depth of a tag: number of segments. */
export function depth(tag: string): number {
  let n = 1;
  for (let i = 0; i < tag.length; i++) if (tag.charCodeAt(i) === 46) n++;
  return n;
}

/**
 * Attribute value match of `@hasAttribute` and of entitlement attributes: exact, or, when the
 * expected value ends with `.*`, any strict descendant of its prefix.
 */
export function valueMatches(expected: string, actual: string): boolean {
  if (expected.endsWith('.*')) {
    const prefix = expected.slice(0, -2);
    return actual.length > prefix.length + 1 && actual.startsWith(prefix) && actual.charCodeAt(prefix.length) === 46;
  }
  return expected === actual;
}
