/** Fields the API answers with and ignores on a write (`version`, `createdAt`, `updatedAt`). */
const BOOKKEEPING = new Set(['version', 'createdAt', 'updatedAt']);

/** A stored object without its bookkeeping: the body a write takes, or a file or editor shows. */
export function withoutBookkeeping(value: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([k]) => !BOOKKEEPING.has(k)));
}
