import { etag, ifMatchHolds } from '#shared/http/etag.ts';
import { ScimError } from './errors.ts';

/** Fails with 412 unless `ifMatch` (the `If-Match` header) is absent or holds for the current version (RFC 7644 §3.14). */
export function assertIfMatch(ifMatch: string | undefined, version: number): void {
  if (ifMatch === undefined || ifMatchHolds(ifMatch, version)) return;
  throw new ScimError(412, `version \`${ifMatch}\` is stale: the resource is at ${etag(version)}`);
}
