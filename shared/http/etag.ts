import type { Context } from 'hono';
import { VersionMismatchError } from '#shared/store/errors.ts';
import { badRequest, preconditionFailed } from './errors.ts';

/** The weak entity tag of a stored version. */
export const etag = (version: number): string => `W/"${version}"`;

/**
 * The version an `If-Match` header requires: undefined without the header, `'any'` for `*`.
 * A malformed header is a 400.
 */
export function ifMatchVersion(c: Context): number | 'any' | undefined {
  const header = c.req.header('if-match')?.trim();
  if (header === undefined || header === '') return undefined;
  if (header === '*') return 'any';
  const m = /^(?:W\/)?"(\d{1,15})"$/.exec(header);
  if (!m) throw badRequest('`If-Match`: expected an entity tag such as `W/"3"` or `*`');
  return Number(m[1]);
}

/** 412 unless the current version satisfies `If-Match` (absent: anything goes). */
export function checkIfMatch(c: Context, currentVersion: number | undefined): number | undefined {
  const wanted = ifMatchVersion(c);
  if (wanted === undefined) return undefined;
  if (currentVersion === undefined) throw preconditionFailed('`If-Match`: the resource does not exist');
  if (wanted !== 'any' && wanted !== currentVersion) {
    throw preconditionFailed(`\`If-Match\`: the resource is at version ${currentVersion}, not ${wanted}`);
  }
  return currentVersion;
}

/** Runs a conditional write; under `If-Match` a lost race is a 412 rather than a 409. */
export async function withPrecondition<T>(conditional: boolean, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (conditional && err instanceof VersionMismatchError) throw preconditionFailed(`\`If-Match\`: ${err.message}`);
    throw err;
  }
}
