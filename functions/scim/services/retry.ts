import { VersionMismatchError } from '#shared/store/errors.ts';

const ATTEMPTS = 10;

/** True when DynamoDB cancelled a transaction only because another one touched the same item. */
function isTransactionConflict(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'TransactionConflictException') return true;
  const reasons = (err as Error & { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
  return err.name === 'TransactionCanceledException' && reasons.some((r) => r.Code === 'TransactionConflict');
}

/**
 * Runs a read-modify-write again when it lost a race. Transaction conflicts are always retried;
 * a stale version only when the client sent no `If-Match` (then re-reading and re-applying its
 * change is what it asked for; with `If-Match` the race is its 412).
 */
export async function retryRaces<T>(run: () => Promise<T>, options: { readonly versions: boolean }): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      const retriable = isTransactionConflict(err) || (options.versions && err instanceof VersionMismatchError);
      if (!retriable || attempt >= ATTEMPTS) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * 10 * 2 ** attempt));
    }
  }
}
