import { obj, str, type Operation } from './operations.ts';

const arr = (items: unknown) => ({ type: 'array', items });
const strings = arr(str);
const user = obj({ userid: str, iamid: str }, ['userid']);
const dialect = { enum: ['postgres', 'trino', 'snowflake', 'databricks'], default: 'postgres' };
const column = obj({ name: str, type: str, tags: strings }, ['name']);
const owner = {
  oneOf: [{ ...user, description: 'a user: `iamid` defaults to the default IAM' }, { type: 'string', description: 'a bare userid: a user of the default IAM' }],
};
const dataSource = obj(
  {
    name: str,
    platform: { enum: ['postgres', 'trino', 'snowflake', 'databricks'] },
    database: str,
    schema: str,
    table: str,
    domain: str,
    owners: { type: 'array', items: owner, maxItems: 100, description: 'stored and answered as `{"iamid","userid"}`; owners may list and decide the source\'s access requests' },
    tags: strings,
    columns: arr(column),
  },
  ['name', 'platform', 'database', 'schema', 'table'],
);
const policyDocument = { type: 'object', description: 'a subscription or data policy document (docs/api.md, section 4)' };
const consistency =
  'Decisions use a compiled snapshot of catalog and policies refreshed when its version item changes, checked at most once per ' +
  '`WARDEN_SNAPSHOT_REFRESH_MS` (default 1000 ms); user groups, attributes and approvals are cached 1 s. A change is reflected by ' +
  'every decision that starts more than that interval after the change was acknowledged.';

/** The operations of the `policy` function. */
export const POLICY_OPERATIONS: readonly Operation[] = [
  {
    method: 'get',
    path: '/v1/data-sources',
    summary: 'list data sources, optionally by tag (hierarchical: `A.B` matches `A.B.*`, on the source or a column) and domain',
    permission: 'GOVERNANCE',
    query: ['tag', 'domain'],
    responses: { '200': '{"dataSources":[...]}' },
  },
  { method: 'get', path: '/v1/data-sources/{id}', summary: 'a data source with its columns', permission: 'GOVERNANCE or QUERY_ENGINE', responses: { '200': 'the data source', '404': 'unknown' } },
  {
    method: 'put',
    path: '/v1/data-sources/{id}',
    summary: 'create or replace a data source (versioned; audited)',
    description: 'Answers carry `ETag: W/"<version>"`; with `If-Match` the write happens only at that version (`*`: only if it exists).',
    permission: 'GOVERNANCE',
    body: dataSource,
    responses: { '200': 'replaced', '201': 'created', '409': 'changed concurrently', '412': '`If-Match` does not hold' },
  },
  { method: 'delete', path: '/v1/data-sources/{id}', summary: 'delete a data source', permission: 'GOVERNANCE', responses: { '204': 'deleted', '404': 'unknown' } },
  { method: 'get', path: '/v1/domains', summary: 'list domains', permission: 'GOVERNANCE', responses: { '200': '{"domains":[...]}' } },
  { method: 'get', path: '/v1/domains/{id}', summary: 'a domain', permission: 'GOVERNANCE', responses: { '200': 'the domain', '404': 'unknown' } },
  {
    method: 'put',
    path: '/v1/domains/{id}',
    summary: 'create or replace a domain; a source belongs if its `domain` is the id or it carries one of the tags',
    permission: 'GOVERNANCE',
    body: obj({ name: str, tags: strings }, ['name']),
    responses: { '200': 'replaced', '201': 'created' },
  },
  { method: 'get', path: '/v1/tags', summary: 'every tag in use, with exact counts of sources and columns', permission: 'GOVERNANCE', responses: { '200': '{"tags":[{"tag","dataSources","columns"}]}' } },
  { method: 'get', path: '/v1/policies', summary: 'every current policy with `version`, `createdAt`, `updatedAt`', permission: 'GOVERNANCE', responses: { '200': '{"policies":[...]}' } },
  { method: 'get', path: '/v1/policies/{policyKey}', summary: 'a policy', permission: 'GOVERNANCE', responses: { '200': 'the document with `version`, `createdAt`, `updatedAt`', '404': 'unknown' } },
  {
    method: 'put',
    path: '/v1/policies/{policyKey}',
    summary: 'create or replace a policy (JSON, or YAML with `Content-Type: application/yaml`)',
    description:
      'The body `policyKey` must equal the path (or be absent). `version`, `createdAt`, `updatedAt` are read-only and ignored. ' +
      '`createdAt` is kept from the first version (it decides mask conflicts of equal depth). With `?dryRun=true` nothing is ' +
      'saved and the answer is the simulation of the change. Answers carry `ETag: W/"<version>"`; with `If-Match` the write ' +
      'happens only at that version (`*`: only if it exists), else 412. ' +
      'Top-level `trustedIams` (both types): the IAMs whose groups and attributes the policy believes; absent, those marked `trustedForPolicies` (`PUT /v1/iams/{iamid}`). ' +
      'For the policy, a user of another IAM has no groups and no attributes: entitlements fail, exceptions do not spare it, entitlement row filters show nothing. ' +
      'Regular expressions (`columnRegex`, `regex` masks, a literal `regexp_replace` pattern) are RE2 syntax, matched in linear time; backreferences and lookaround are a 400 naming the construct. ' +
      'A numeral beyond the double range is a 400. A YAML body sent without its content type is a 400 saying so. ' + consistency,
    permission: 'GOVERNANCE',
    query: ['dryRun'],
    body: policyDocument,
    responses: { '200': 'replaced, or the simulation on a dry run', '201': 'created', '400': 'invalid document: the detail names the field', '412': '`If-Match` does not hold' },
  },
  { method: 'delete', path: '/v1/policies/{policyKey}', summary: 'delete a policy (its history is kept)', permission: 'GOVERNANCE', responses: { '204': 'deleted', '404': 'unknown' } },
  {
    method: 'post',
    path: '/v1/decisions',
    summary: 'may this user query this data source, and what does it see; audited',
    description: 'Without `user` the caller is the user. Asking about another user needs QUERY_ENGINE or GOVERNANCE. ' + consistency,
    auth: 'key-or-token',
    body: obj({ user, dataSource: str, dialect }, ['dataSource']),
    responses: { '200': 'the decision', '404': 'unknown user or data source' },
  },
  {
    method: 'post',
    path: '/v1/decisions/batch',
    summary: 'decisions on up to 1000 data sources for one user; any unknown source fails the batch',
    auth: 'key-or-token',
    body: obj({ user, dataSources: arr(str), dialect }, ['dataSources']),
    responses: { '200': '{"decisions":[...]}', '404': 'unknown user or data source' },
  },
  {
    method: 'post',
    path: '/v1/simulations',
    summary: 'the differences a policy change would make, over every user (or `users`) and source (or `dataSources`); writes nothing',
    permission: 'GOVERNANCE',
    body: obj({ upsert: arr(policyDocument), remove: strings, users: arr(user), dataSources: strings }),
    responses: { '200': '{"changes":[...],"summary":{...}}', '404': 'unknown user or removed policy' },
  },
  {
    method: 'post',
    path: '/v1/access-requests',
    summary: 'request access to a data source, for oneself (users only)',
    body: obj({ dataSource: str, reason: str }, ['dataSource']),
    responses: { '201': '{"id","state":"pending",...}', '404': 'unknown data source' },
  },
  {
    method: 'get',
    path: '/v1/access-requests',
    summary: "a data source's access requests (its owners, GOVERNANCE), or without `dataSource` the caller's own",
    query: ['dataSource', 'state'],
    responses: { '200': '{"requests":[...]}', '404': 'unknown data source' },
  },
  { method: 'get', path: '/v1/access-requests/{id}', summary: 'an access request (requester, source owner or GOVERNANCE)', responses: { '200': 'the request', '404': 'unknown' } },
  {
    method: 'post',
    path: '/v1/access-requests/{id}/approve',
    summary: 'approve (source owner or GOVERNANCE); grants access while every policy on the source allows requests, until `expiresAt`',
    description: 'An owner is matched by `(iamid, userid)`: `partner/jdoe` does not own what `okta/jdoe` owns. `decidedBy` in the answer and the audit record names the decider: `okta/jdoe`, or `service:name`.',
    body: obj({ expiresAt: { type: 'string', format: 'date-time' } }),
    responses: { '200': 'the approved request', '409': 'not pending' },
  },
  {
    method: 'post',
    path: '/v1/access-requests/{id}/deny',
    summary: 'deny (source owner or GOVERNANCE); `decidedBy` names the decider as `iamid/userid` or `service:name`',
    body: obj({ reason: str }),
    responses: { '200': 'the denied request', '409': 'not pending' },
  },
];
