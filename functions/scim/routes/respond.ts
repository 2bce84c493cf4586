import type { Context } from 'hono';
import { etag, ifMatchHolds } from '#shared/http/etag.ts';
import type { ScimResource } from '../rfc/path.ts';
import { attributeProjection } from '../rfc/projection.ts';
import type { ListParams } from '../rfc/query.ts';
import { listResponse } from '../rfc/render.ts';

const SCIM_CONTENT_TYPE = 'application/scim+json';

/** A SCIM JSON response: every body Warden's SCIM server sends is `application/scim+json`. */
export function scimJson(c: Context, body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return c.body(JSON.stringify(body), status as 200, { 'content-type': SCIM_CONTENT_TYPE, ...headers });
}

/** The absolute base URL of the SCIM API, taken from the request (`meta.location` is absolute). */
export function baseUrl(c: Context): string {
  return `${new URL(c.req.url).origin}/scim/v2`;
}

/** A single resource with its `ETag` (and `Location` on 201). */
export function resourceResponse(c: Context, resource: ScimResource, version: number, status = 200): Response {
  // A projection may leave `meta` out; a 201 always carries it.
  const location = (resource.meta as { location?: string } | undefined)?.location;
  return scimJson(c, resource, status, { etag: etag(version), ...(status === 201 && location ? { location } : {}) });
}

/**
 * True when `If-None-Match` names the current version (RFC 7232 §3.2: `*` or a listed tag, weak
 * comparison, the same match as `If-Match`): the client's copy is current, answer 304.
 */
export function notModified(c: Context, version: number): boolean {
  const header = c.req.header('if-none-match');
  return header !== undefined && ifMatchHolds(header, version);
}

/** 304 Not Modified: no body, the current `ETag`. */
export function notModifiedResponse(c: Context, version: number): Response {
  return c.body(null, 304, { etag: etag(version) });
}

/**
 * The page `params` asks for, as a projected ListResponse; `complete` renders the matches of the
 * page alone, with what only returned resources need (a group's members, a user's groups).
 */
export async function pageOf<T>(matches: readonly T[], params: ListParams, complete: (page: T[]) => Promise<ScimResource[]>): Promise<Record<string, unknown>> {
  const page = await complete(matches.slice(params.startIndex - 1, params.startIndex - 1 + params.count));
  return listResponse(page.map((r) => attributeProjection(r, params)), matches.length, params.startIndex);
}
