import { etag } from '#shared/http/etag.ts';
import type { ScimResource } from './path.ts';

const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

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

/** An RFC 7644 §3.4.2 ListResponse of one page. */
export function listResponse(page: readonly ScimResource[], totalResults: number, startIndex: number): Record<string, unknown> {
  return { schemas: [LIST_RESPONSE], totalResults, itemsPerPage: page.length, startIndex, Resources: page };
}
