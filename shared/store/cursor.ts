/** Opaque pagination cursors: a DynamoDB `LastEvaluatedKey` as base64url JSON. */
import { domainError } from '#shared/model/errors.ts';

export type Key = Record<string, unknown>;

/** Thrown for a cursor the service did not issue. */
export class InvalidCursorError extends domainError('InvalidCursorError', 'invalid', { message: () => 'invalid cursor' }) {}

/** Encodes a key as a cursor, or `null` at the end. */
export function encodeCursor(key: Key | undefined): string | null {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;
}

/** Decodes a cursor; only flat string-valued keys are accepted. */
export function decodeCursor(cursor: string | undefined | null): Key | undefined {
  if (!cursor) return undefined;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!key || typeof key !== 'object' || Array.isArray(key)) throw new InvalidCursorError();
    for (const v of Object.values(key)) if (typeof v !== 'string') throw new InvalidCursorError();
    return key as Key;
  } catch {
    throw new InvalidCursorError();
  }
}

/** Every item of a cursor-paged listing, page after page (bounded collections only). */
export async function allPages<T>(page: (cursor: string | null) => Promise<{ items: readonly T[]; cursor: string | null }>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const next = await page(cursor);
    out.push(...next.items);
    cursor = next.cursor;
  } while (cursor);
  return out;
}
