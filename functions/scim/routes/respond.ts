import type { Context } from 'hono';
import type { ScimResource } from '../rfc/path.ts';
import { ScimError } from '../rfc/errors.ts';
import { etag, ifMatchHolds } from '#shared/http/etag.ts';

export const SCIM_CONTENT_TYPE = 'application/scim+json';
const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

/** A SCIM JSON response: every body Warden's SCIM server sends is `application/scim+json`. */
export function scimJson(c: Context, body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return c.body(JSON.stringify(body), status as 200, { 'content-type': SCIM_CONTENT_TYPE, ...headers });
}

/** The absolute base URL of the SCIM API, taken from the request (`meta.location` is absolute). */
export function baseUrl(c: Context): string {
  return `${new URL(c.req.url).origin}/scim/v2`;
}

/** What `meta` is built from: the store's bookkeeping of a resource. */
export interface Stamped {
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** RFC 7643 §3.1 `meta`. */
export function meta(resourceType: 'User' | 'Group', stamped: Stamped, location: string): Record<string, unknown> {
  return { resourceType, created: stamped.createdAt, lastModified: stamped.updatedAt, location, version: etag(stamped.version) };
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

/** Fails with 412 unless `ifMatch` (the `If-Match` header) is absent or holds for the current version. */
export function checkIfMatch(ifMatch: string | undefined, version: number): void {
  if (ifMatch === undefined || ifMatchHolds(ifMatch, version)) return;
  throw new ScimError(412, `version \`${ifMatch}\` is stale: the resource is at ${etag(version)}`);
}

/** An RFC 7644 §3.4.2 ListResponse of one page. */
export function listResponse(page: ScimResource[], totalResults: number, startIndex: number): Record<string, unknown> {
  return { schemas: [LIST_RESPONSE], totalResults, itemsPerPage: page.length, startIndex, Resources: page };
}
