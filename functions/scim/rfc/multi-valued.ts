/*
 * Multi-valued attributes (RFC 7643 §2.4): at most one value is `primary`, and a PATCH that makes
 * one primary makes the others not (RFC 7644 §3.5.2).
 */
import { InvalidValueError } from './errors.ts';
import { findKey, getIgnoringCase, isObject, type ScimResource } from './path.ts';

/** True for a value whose `primary` sub-attribute is true. */
export function isPrimary(value: unknown): boolean {
  return getIgnoringCase(value, 'primary') === true;
}

/** `value` no longer primary (a copy; anything else as it was). */
export function demoted(value: unknown): unknown {
  return isObject(value) && isPrimary(value) ? { ...value, [findKey(value, 'primary')!]: false } : value;
}

/** The values after the operation: `changed` ones as given, the others demoted when a changed one is primary. */
export function withOnePrimary(values: readonly unknown[], changed: (value: unknown, index: number) => boolean): unknown[] {
  const promoted = values.some((v, i) => changed(v, i) && isPrimary(v));
  return promoted ? values.map((v, i) => (changed(v, i) ? v : demoted(v))) : [...values];
}

/** Appends `items`, skipping exact duplicates; a new primary value demotes the old one. */
export function mergeItems(current: readonly unknown[], items: readonly unknown[]): unknown[] {
  const seen = new Set(current.map((c) => JSON.stringify(c)));
  const fresh = items.filter((i) => !seen.has(JSON.stringify(i)));
  return withOnePrimary([...current, ...fresh], (_v, i) => i >= current.length);
}

/** RFC 7643 §2.4: a multi-valued attribute has at most one value whose `primary` is true. */
export function requireOnePrimary(resource: ScimResource): void {
  const holders = [resource, ...Object.entries(resource).filter(([k, v]) => /^urn:/i.test(k) && isObject(v)).map(([, v]) => v as Record<string, unknown>)];
  for (const holder of holders) {
    for (const [name, value] of Object.entries(holder)) {
      const primaries = Array.isArray(value) ? value.filter(isPrimary).length : 0;
      if (primaries > 1) throw new InvalidValueError(`\`${name}\` has ${primaries} primary values; at most one may be primary`);
    }
  }
}
