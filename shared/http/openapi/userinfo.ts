import type { Operation } from './operations.ts';

/** What this file still bridges: the audit listing, which the `policy` function serves (the `userinfo` routes are declared). */
export const USERINFO_OPERATIONS: readonly Operation[] = [
  {
    method: 'get',
    path: '/v1/audit',
    summary: 'audit records, newest first',
    description:
      '`from`/`to` are inclusive ISO-8601 bounds (default: the last 30 days); without `userid` or `action` they may be at most 366 days apart. `limit` 1–1000 (default 100). `nextCursor` is opaque; a cursor not issued for this query is a 400. ' +
      'A record is `{"id","action","actionStatus","eventTimestamp","actor":{"type","id","iamid"?},"userId","impersonationUser"?,"targetType","targets","payload","requestId"?,"clientRequestId"?,"sessionId"?}`. ' +
      '`userId` (who was acted as) and `impersonationUser` (the impersonator) are qualified: `iamid/userid` for a user, `service:<id>`, `iam:<id>` (SCIM and external-source changes), `bootstrap:admin` (the bootstrap key, actor type `bootstrap`, never confused with a service named `admin`) or `anonymous`. ' +
      '`userid` is a bare id and matches that user in every IAM and the service of that id; `iamid` narrows it to `iamid/userid` (and needs `userid`). ' +
      '`requestId` is Warden\'s own id of the request, answered in the `x-request-id` header; a client\'s `x-request-id` is kept as `clientRequestId` (up to 128 printable ASCII characters). Answer: `{"records":[...],"nextCursor":string|null}`.',
    permission: 'AUDIT',
    query: ['userid', 'iamid', 'action', 'from', 'to', 'limit', 'cursor'],
    responses: { '200': '{"records","nextCursor"}', '400': 'a malformed parameter or cursor, or `iamid` without `userid`' },
  },
];
