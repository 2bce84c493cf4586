/**
 * Objects keyed by user input (attribute keys, group names, SCIM attribute names). A plain `{}`
 * answers `constructor`, `toString` or `hasOwnProperty` with what it inherits from
 * `Object.prototype`, and assigning `__proto__` to it replaces its prototype instead of storing a
 * value. Every such object is built with `dict`/`dictFrom` and read with `ownValue`, so no user
 * key ever meets an inherited member.
 */

/**
 * Keys no user-supplied name may take: `__proto__` rewrites the prototype of any object it is
 * assigned to, here or in a client merging Warden's JSON (`Object.assign`). The other members of
 * `Object.prototype` (`constructor`, `toString`…) are ordinary names, stored like any other.
 */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__']);

/** True when `key` is a name no user-supplied key may take. */
export function isReservedKey(key: string): boolean {
  return RESERVED_KEYS.has(key);
}

/** An empty object without a prototype, for values keyed by user input. */
export function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** A prototype-less object holding `entries` (a later duplicate key wins). */
export function dictFrom<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  const out = dict<T>();
  for (const [k, v] of entries) out[k] = v;
  return out;
}

/** `obj[key]` when `obj` has it as an own property, never an inherited member. */
export function ownValue<T>(obj: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}
