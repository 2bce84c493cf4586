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
    description: 'Until changed, the deployment defaults from `WARDEN_ALLOWED_IMPERSONATORS`, `WARDEN_SINGLE_IMPERSONATION_USER`, `WARDEN_USER_MAPPING_IAMID` and `WARDEN_IMPERSONATION_TTL_SECONDS` (version 0).',
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
      'Allowed for principals in `allowedImpersonators` and holders of `IMPERSONATE_USER`; others get 403, audited with the reason. ' +
      '`iamid` defaults to `userMappingIamid`; `useridTemplate` (`{userid}@example.com`) rewrites the id before lookup. ' +
      'A session belongs to the impersonator that created it (others: 403). With `singleImpersonationPerSession` a different user is 409 ' +
      'and the same user gets a fresh token; without it the user switches and the previous user\'s tokens of the session are revoked. ' +
      'A session lives as long as its latest token. An impersonation token cannot call this (403).',
    body: obj({ userid: str, iamid: str, useridTemplate: str }, ['userid']),
    responses: {
      '200': '{"sessionId","user":{"iamid","userid"},"impersonator":{"type","id","iamid"?},"token","tokenType":"Bearer","expiresAt"}',
      '404': 'unknown or inactive user',
      '409': 'the session impersonates another user (single-impersonation lock)',
    },
  },
  {
    method: 'get',
    path: '/v1/impersonation/sessions/{sessionId}',
    summary: 'the current state of a session (like SHOW SESSION)',
    description: 'Its impersonator or a `USER_ADMIN` may read it.',
    responses: { '200': '{"sessionId","user","impersonator","createdAt","updatedAt","expiresAt"}', '404': 'no such live session' },
  },
  {
    method: 'delete',
    path: '/v1/impersonation/sessions/{sessionId}',
    summary: 'end a session: every token of it stops working',
    description: 'Its impersonator, or a `USER_ADMIN` as a kill switch. Verifiers cache a positive check for at most 1 s, so a warm function refuses the tokens within 1 s. Audited.',
    responses: { '204': 'ended', '404': 'no such live session' },
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
