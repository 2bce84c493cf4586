import type { Context } from 'hono';
import { badRequest, preconditionFailed } from './errors.ts';

/** The weak entity tag of a stored version. */
export const etag = (version: number): string => `W/"${version}"`;

/**
 * Whether an `If-Match` header holds for a version: `*`, or a listed tag equal to the version
 * under RFC 7232 weak comparison (`W/"3"` and `"3"` compare equal).
 */
export function ifMatchHolds(header: string, version: number): boolean {
  const tags = header.split(',').map((t) => t.trim().replace(/^W\//, ''));
  return tags.includes('*') || tags.includes(`"${version}"`);
}

const TAG = /^(?:\*|(?:W\/)?"[^"]*")$/;

/**
 * 412 unless the current version satisfies `If-Match`; a malformed header is a 400. Returns
 * the version the write must be conditional on, or undefined when no `If-Match` was sent.
 */
export function checkIfMatch(c: Context, currentVersion: number | undefined): number | undefined {
  const header = c.req.header('if-match')?.trim();
  if (!header) return undefined;
  if (!header.split(',').every((t) => TAG.test(t.trim()))) throw badRequest('`If-Match`: expected entity tags such as `W/"3"`, or `*`');
  if (currentVersion === undefined) throw preconditionFailed('`If-Match`: the resource does not exist');
  if (!ifMatchHolds(header, currentVersion)) throw preconditionFailed(`\`If-Match\`: the resource is at version ${currentVersion}, ${etag(currentVersion)}`);
  return currentVersion;
}

/**
 * 412 when `If-None-Match: *` is sent and the resource exists (a create that must not replace);
 * any other value is a 400. True when the header asked for absence.
 */
export function checkNoneMatch(c: Context, exists: boolean): boolean {
  const header = c.req.header('if-none-match')?.trim();
  if (!header) return false;
  if (header !== '*') throw badRequest('`If-None-Match`: only `*` is supported');
  if (exists) throw preconditionFailed('`If-None-Match`: the resource exists');
  return true;
}
