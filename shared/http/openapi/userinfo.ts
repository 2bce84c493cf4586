import { obj, str, type Operation } from './operations.ts';

const values = obj({ values: { type: 'array', items: str } }, ['values']);
const userAnswer = '{"iamid","userid","displayName","email"?,"active","permissions","groups","attributes","sources":{"scim","manual","external","groups"},"memberships"}';
const groupAnswer = '{"iamid","id","name","sources":{"scim","manual","external"}}';
const iamAnswer = '{"id","name","trustedForPolicies","scim":{"enabled","attributeMappings"},"externalSource":{"uri","auth":{"type","username"?},"ttlSeconds"}|null}';

/** Operations of the `userinfo` function besides API keys and IAM creation. */
export const USERINFO_OPERATIONS: readonly Operation[] = [
  {
    method: 'get',
    path: '/userinfo',
    summary: "Immuta's External Groups and Authorizations Endpoint",
    description:
      'Answers `{"groups":[{"name"}],"authorizations":{"key":["value"]}}` merged from every source (SCIM, manual, external) with group attributes applied, plus `userid`, `iamid`, `active`. ' +
      'Accepts a bearer API key, HTTP Basic with the API key as password (any username), or an impersonation token (its own user only). The user itself may ask; others need QUERY_ENGINE or USER_ADMIN. ' +
      "When the user's IAM has an external source, its answer is refreshed first if older than the source's TTL (at most 2 s; a failing source keeps the last good values).",
    permission: 'QUERY_ENGINE',
    auth: 'key-or-token',
    query: ['userid', 'iamid'],
    responses: { '200': '{"groups","authorizations","userid","iamid","active"}', '404': 'unknown user' },
  },
  {
    method: 'get',
    path: '/userinfo/{iamid}',
    summary: 'the same endpoint for the users of one IAM',
    description:
      'Same credentials, permissions and body as `GET /userinfo`, with the IAM in the path, so a URL such as `https://<warden>/userinfo/okta` can be given to Immuta, which appends `?userid=`. ' +
      'A query `iamid` other than the path\'s is a 400.',
    permission: 'QUERY_ENGINE',
    auth: 'key-or-token',
    query: ['userid'],
    responses: { '200': '{"groups","authorizations","userid","iamid","active"}', '404': 'unknown user' },
  },
  {
    method: 'post',
    path: '/v1/users',
    summary: 'create a user (iamid defaults to the built-in IAM; another IAM must exist)',
    permission: 'USER_ADMIN',
    body: obj({ iamid: str, userid: str, displayName: str, email: str }, ['userid', 'displayName']),
    responses: { '201': userAnswer, '404': 'unknown IAM', '409': 'the user exists' },
  },
  {
    method: 'get',
    path: '/v1/users/{iamid}/{userid}',
    summary: 'a user with its merged attributes, its values per source and group memberships per source',
    description: 'Allowed to USER_ADMIN, QUERY_ENGINE and the user itself. Path parameters are URL-decoded (`%40` for `@`). Extension: `memberships` names, per group, the sources that made the user a member.',
    permission: 'USER_ADMIN',
    responses: { '200': userAnswer, '404': 'unknown user' },
  },
  {
    method: 'put',
    path: '/v1/users/{iamid}/{userid}/permissions',
    summary: "replace a user's permissions (conditional on the version read)",
    permission: 'USER_ADMIN',
    body: obj({ permissions: { type: 'array', items: { enum: ['USER_ADMIN', 'GOVERNANCE', 'IMPERSONATE_USER', 'AUDIT', 'QUERY_ENGINE'] } } }, ['permissions']),
    responses: { '200': userAnswer, '404': 'unknown user', '409': 'changed concurrently' },
  },
  {
    method: 'put',
    path: '/v1/users/{iamid}/{userid}/attributes/{key}',
    summary: 'set the manual values of one attribute (an empty list removes it)',
    description: 'Any printable key of at most 256 characters is a key like any other (`constructor` and `toString` too), except `__proto__`, which is reserved.',
    permission: 'USER_ADMIN',
    body: values,
    responses: { '200': userAnswer, '400': 'a key or name over 256 characters or with control characters, or the reserved key `__proto__`', '404': 'unknown user' },
  },
  { method: 'delete', path: '/v1/users/{iamid}/{userid}/attributes/{key}', summary: 'remove the manual values of one attribute', permission: 'USER_ADMIN', responses: { '204': 'removed', '400': 'a key or name over 256 characters or with control characters, or the reserved key `__proto__`', '404': 'unknown user' } },
  {
    method: 'put',
    path: '/v1/groups/{iamid}/{name}/attributes/{key}',
    summary: "set the manual values of one of a group's attributes; the group is created if it does not exist",
    permission: 'USER_ADMIN',
    body: values,
    responses: { '200': groupAnswer, '400': 'a key or name over 256 characters or with control characters, or the reserved key `__proto__`', '404': 'unknown IAM' },
  },
  { method: 'delete', path: '/v1/groups/{iamid}/{name}/attributes/{key}', summary: "remove the manual values of one of a group's attributes", permission: 'USER_ADMIN', responses: { '204': 'removed', '400': 'a key or name over 256 characters or with control characters, or the reserved key `__proto__`', '404': 'unknown group' } },
  {
    method: 'post',
    path: '/v1/groups/{iamid}/{name}/members',
    summary: 'add a manual member; the group is created if it does not exist',
    permission: 'USER_ADMIN',
    body: obj({ userid: str }, ['userid']),
    responses: { '200': userAnswer, '404': 'unknown user or IAM' },
  },
  { method: 'delete', path: '/v1/groups/{iamid}/{name}/members/{userid}', summary: 'remove a manual membership (other sources stay)', permission: 'USER_ADMIN', responses: { '204': 'removed', '404': 'unknown group' } },
  { method: 'get', path: '/v1/iams/{iamid}', summary: 'an IAM (never its SCIM token or the external source password)', permission: 'USER_ADMIN', responses: { '200': iamAnswer, '404': 'unknown IAM' } },
  {
    method: 'put',
    path: '/v1/iams/{iamid}',
    summary: 'rename an IAM, set how SCIM attributes become Warden attributes, or mark it trusted for policy matching',
    description:
      '`trustedForPolicies`: whether policies believe the groups and attributes of its users (any IdP holding a SCIM token can name its groups `HR`). ' +
      'A policy without `trustedIams` trusts the marked IAMs; the default IAM is trusted unless marked `false`, every other IAM only once marked `true`. ' +
      'For a policy, a user of an IAM it does not trust has no groups and no attributes (`individuals` and `@iam` still name it). ' +
      'The mark is written with a snapshot version bump: decisions see it after the snapshot refresh interval.',
    permission: 'USER_ADMIN',
    body: obj({
      name: str,
      trustedForPolicies: { type: 'boolean' },
      scim: obj({ attributeMappings: { type: 'array', items: obj({ from: str, to: str }, ['from', 'to']) } }, ['attributeMappings']),
    }),
    responses: { '200': iamAnswer, '400': 'a mapping whose `to` is not a valid attribute key (see the attribute routes)', '404': 'unknown IAM', '409': 'changed concurrently' },
  },
  {
    method: 'put',
    path: '/v1/iams/{iamid}/external-source',
    summary: "set the IAM's external source of truth (Immuta's external endpoint shape)",
    description:
      'Warden calls `GET <uri>?userid=<userid>` (Basic auth if configured) with a 2 s timeout, caches each answer `ttlSeconds` per user, and keeps the last good values when the source fails, is slow, answers malformed JSON or any non-200 status (404 included: "no info", as in Immuta), or an answer outside the bounds (group names and attribute keys of 1–256 printable characters, the key `__proto__` reserved); each failure is audited as `EXTERNAL_SOURCE` FAILURE. ' +
      'The uri must be http(s) without embedded credentials. The password is stored to call the source and never returned or audited. ' +
      'The host must be a public address or name: loopback, link-local, private, unique-local, carrier-grade NAT, unspecified and other non-public addresses (cloud metadata endpoints among them) are a 400, in any spelling `URL` normalises (`127.1`, `2130706433`, `[::ffff:169.254.169.254]`), unless the host (`host` or `host:port`) is listed in env `WARDEN_EXTERNAL_SOURCE_ALLOWED_HOSTS`. ' +
      'A name is resolved at every fetch and the connection goes only to the addresses checked; a refused target, like any failure, is audited with a fixed reason (`refused target: a private address`, `host does not resolve`, `connection failed`, `answer exceeds 1 MiB`…) that names no address. Answers are read as they stream and abandoned past 1 MiB.',
    permission: 'USER_ADMIN',
    body: obj(
      {
        uri: str,
        auth: { oneOf: [obj({ type: { const: 'none' } }, ['type']), obj({ type: { const: 'basic' }, username: str, password: str }, ['type', 'username', 'password'])] },
        ttlSeconds: { type: 'integer', minimum: 0, maximum: 86400, default: 300 },
      },
      ['uri'],
    ),
    responses: { '200': iamAnswer, '400': 'malformed body, or a refused host', '404': 'unknown IAM' },
  },
  {
    method: 'post',
    path: '/v1/iams/{iamid}/sync',
    summary: 'ask the external source about every user of the IAM now',
    description: 'Also runs every 5 minutes (EventBridge in AWS; a timer locally, `WARDEN_SYNC_INTERVAL_MS`). Values the source no longer sends are removed.',
    permission: 'USER_ADMIN',
    responses: { '200': '{"iamid","users","updated","unchanged","failed"}', '404': 'unknown IAM', '409': 'the IAM has no external source' },
  },
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
