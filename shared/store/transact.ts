import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Db } from './client.ts';
import { ConflictError, failedConditionIndex, isConditionFailure } from './errors.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** DynamoDB transactions hold at most 100 items. */
export const MAX_TRANSACTION_ITEMS = 100;

/**
 * Writes items atomically. When the condition of item `i` fails, `onConflict(i)` names the
 * error to throw (a uniqueness marker, a stale version …).
 */
export async function transact(
  db: Db,
  items: TransactItem[],
  onConflict: (index: number) => Error = () => new ConflictError('conflicting write'),
): Promise<void> {
  try {
    await db.doc.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (err) {
    if (isConditionFailure(err)) throw onConflict(failedConditionIndex(err));
    throw err;
  }
}

/** Which part of a chunked write failed its condition: the shared check, or one unit (by index), or neither known. */
export type FailedPart = { readonly check: true } | { readonly unit: number } | { readonly unknown: true };

/**
 * Writes `units` (each a group of items that must share a transaction) in as few transactions
 * as fit, each led by the same `check` (a condition every part must hold on) and with `first`
 * (an audit record) in the first one only. A change too large for one transaction is atomic
 * per part, never as a whole; with no unit, the check and `first` are written alone.
 */
export async function transactInChunks(
  db: Db,
  parts: { readonly check?: TransactItem; readonly units: ReadonlyArray<readonly TransactItem[]>; readonly first?: TransactItem },
  onConflict: (failed: FailedPart) => Error = () => new ConflictError('conflicting write'),
): Promise<void> {
  const lead = parts.check ? [parts.check] : [];
  let u = 0;
  let firstChunk = true;
  do {
    const items: TransactItem[] = [...lead];
    const unitOf: number[] = lead.map(() => -1);
    const room = MAX_TRANSACTION_ITEMS - (parts.first && firstChunk ? 1 : 0);
    const from = u;
    for (; u < parts.units.length && items.length + parts.units[u]!.length <= room; u++) {
      items.push(...parts.units[u]!);
      unitOf.push(...parts.units[u]!.map(() => u));
    }
    if (u === from && u < parts.units.length) throw new Error('a unit of a chunked write does not fit in one transaction');
    if (parts.first && firstChunk) items.push(parts.first);
    firstChunk = false;
    if (!items.length) return;
    await transact(db, items, (i) => {
      const unit = unitOf[i];
      return onConflict(unit === undefined ? { unknown: true } : unit < 0 ? { check: true } : { unit });
    });
  } while (u < parts.units.length);
}

/** The current time as ISO-8601. */
export const nowIso = (): string => new Date().toISOString();
