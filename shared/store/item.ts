/** Attributes that exist only to key an item or expire it, never part of what it stores. */
const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'] as const;

/** A stored item without its key (and, with `dropExpiry`, expiry) attributes. */
export function withoutKeys<T>(item: Record<string, unknown>, options: { dropExpiry?: boolean } = {}): T {
  const copy = { ...item };
  for (const k of KEY_ATTRIBUTES) delete copy[k];
  if (options.dropExpiry) delete copy.expiresAt;
  return copy as T;
}
