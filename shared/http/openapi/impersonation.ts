import { obj, str, type Operation } from './operations.ts';

const principal = obj({ type: { enum: ['user', 'service'] }, id: str, iamid: str }, ['type', 'id']);
const settings = obj(
  {
    allowedImpersonators: { type: 'array', items: principal },
    singleImpersonationPerSession: { type: 'boolean' },
    userMappingIamid: str,
    tokenTtlSeconds: { type: 'integer', minimum: 60, maximum: 3600 },
  },
  [],
);

/** The operations of the `impersonation` function. */
export const IMPERSONATION_OPERATIONS: readonly Operation[] = [
  {
    method: 'get',
    path: '/v1/settings/impersonation',
    summary: 'the impersonation settings in force',
    description: 'Until changed, the deployment defaults from `WARDEN_ALLOWED_IMPERSONATORS`, `WARDEN_SINGLE_IMPERSONATION_USER`, `WARDEN_USER_MAPPING_IAMID` and `WARDEN_IMPERSONATION_TTL_SECONDS` (version 0). `WARDEN_REQUIRE_ALLOW_LIST` is not part of the settings: only a deployment changes it.',
    permission: 'USER_ADMIN',
    responses: { '200': '{"allowedImpersonators","singleImpersonationPerSession","userMappingIamid","tokenTtlSeconds","version"}' },
  },
  {
    method: 'put',
    path: '/v1/settings/impersonation',
    summary: 'replace the impersonation settings',
    description: 'Omitted fields take the deployment defaults. A user impersonator without `iamid` is in the default IAM. Audited.',
    permission: 'USER_ADMIN',
    body: settings,
    responses: { '200': 'the stored settings', '409': 'changed concurrently' },
  },
  {
    method: 'put',
    path: '/v1/impersonation/sessions/{sessionId}',
    summary: 'impersonate a user in a session and mint a token (ES256 JWT)',
    description:
      'Who may impersonate (one rule, also applied on every use of a token): a user needs the permission `IMPERSONATE_USER` ' +
      '(and, when the deployment sets `WARDEN_REQUIRE_ALLOW_LIST=true`, a place in `allowedImpersonators`); a service principal needs a place in ' +
      '`allowedImpersonators`, whatever its permissions; the bootstrap admin key never impersonates. Others get 403, audited with the reason. ' +
      '`iamid` defaults to `userMappingIamid`; `useridTemplate` (`{userid}@example.com`) rewrites the id before lookup (an expansion longer than ' +
      'a userid may be, 256 characters, is a 400). A session id is scoped to its caller: the same id from two impersonators names two sessions. ' +
      'With `singleImpersonationPerSession` a different user is 409 and the same user gets a fresh token; without it the user switches and the ' +
      "previous user's tokens of the session are revoked. A session lives as long as its latest token. Tokens stop within 1 s when the session " +
      'ends or switches, the target is deactivated, deleted or re-created, or the impersonator loses its right (permission, allow list), its API key, ' +
      'is deactivated or deleted; a reactivated user revives no earlier token. An impersonation token cannot call this (403).',
    body: obj({ userid: str, iamid: str, useridTemplate: str }, ['userid']),
    responses: {
      '200': '{"sessionId","user":{"iamid","userid"},"impersonator":{"type","id","iamid"?},"token","tokenType":"Bearer","expiresAt"}',
      '400': 'invalid body, or a `useridTemplate` expansion that cannot be a userid',
      '404': 'unknown or inactive user',
      '409': 'the session impersonates another user (single-impersonation lock)',
    },
  },
  {
    method: 'get',
    path: '/v1/impersonation/sessions/{sessionId}',
    summary: 'the current state of a session (like SHOW SESSION)',
    description: "The caller's own session; a `USER_ADMIN` names another impersonator's with `impersonator=service:bi-tool` or `user:okta/edixon` (anyone else: 403). Another impersonator's id is a 404, as an unused one.",
    query: ['impersonator'],
    responses: { '200': '{"sessionId","user","impersonator","createdAt","updatedAt","expiresAt"}', '404': 'no such live session of this impersonator' },
  },
  {
    method: 'delete',
    path: '/v1/impersonation/sessions/{sessionId}',
    summary: 'end a session: every token of it stops working',
    description: 'Its impersonator, or a `USER_ADMIN` (naming it with `impersonator=`) as a kill switch. Verifiers cache a positive check for at most 1 s, so a warm function refuses the tokens within 1 s. Audited.',
    query: ['impersonator'],
    responses: { '204': 'ended', '404': 'no such live session of this impersonator' },
  },
  {
    method: 'get',
    path: '/v1/impersonation/sessions',
    summary: 'live impersonation sessions, cursor-paged',
    description:
      "A `USER_ADMIN` sees every session, filtered by `impersonator` (`service:<id>`, `user:<iamid>/<userid>`) and `target` (`<iamid>/<userid>`); anyone else sees only its own (naming another impersonator: 403). `limit` 1–1000 (default 100); `nextCursor` is opaque, and a cursor not issued for this listing is a 400.",
    query: ['impersonator', 'target', 'limit', 'cursor'],
    responses: { '200': '{"sessions":[{"sessionId","user","impersonator","createdAt","updatedAt","expiresAt"}],"nextCursor":string|null}' },
  },
  {
    method: 'delete',
    path: '/v1/impersonation/sessions',
    summary: 'end every session of one impersonator: all the tokens it minted stop working',
    description: '`impersonator` is required. A `USER_ADMIN` may end any impersonator\'s sessions, an impersonator its own (others: 403). Each end is audited; sessions started after the call are not ended.',
    query: ['impersonator'],
    responses: { '200': '{"ended":<number of sessions ended>}' },
  },
  {
    method: 'get',
    path: '/.well-known/jwks.json',
    summary: 'the public ES256 keys of every token that may still be live (RFC 7517)',
    description: 'A replaced key stays published until every token it signed has expired.',
    auth: 'none',
    responses: { '200': '{"keys":[{"kty":"EC","crv":"P-256","x","y","kid","alg":"ES256","use":"sig"}]}' },
  },
];
