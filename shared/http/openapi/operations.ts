/** One documented operation; each function's module appends its own list. */
export interface Operation {
  readonly method: 'get' | 'put' | 'post' | 'delete' | 'patch';
  readonly path: string;
  readonly summary: string;
  readonly description?: string;
  readonly permission?: string;
  readonly auth?: 'none' | 'key' | 'key-or-token';
  readonly query?: readonly string[];
  readonly body?: Record<string, unknown>;
  readonly responses: Readonly<Record<string, string>>;
}

/** A closed JSON-schema object. */
export const obj = (properties: Record<string, unknown>, required: string[] = []) => ({ type: 'object', properties, required, additionalProperties: false });
/** A JSON-schema string. */
export const str = { type: 'string' };

/** The operations of the identity administration the foundation serves. */
export const FOUNDATION_OPERATIONS: readonly Operation[] = [
  { method: 'get', path: '/health', summary: 'liveness and version', auth: 'none', responses: { '200': '{"status":"ok","version"}' } },
  { method: 'get', path: '/openapi.json', summary: 'this document', auth: 'none', responses: { '200': 'OpenAPI 3.1 document' } },
  {
    method: 'post',
    path: '/v1/api-keys',
    summary: 'create an API key (shown once, stored as a SHA-256 hash)',
    description: 'Extension: `permissions` sets what a service principal\'s key may do; a user\'s key carries the user\'s permissions.',
    permission: 'USER_ADMIN',
    body: obj(
      {
        principal: obj({ type: { enum: ['user', 'service'] }, id: str, iamid: str }, ['type', 'id']),
        name: str,
        permissions: { type: 'array', items: { enum: ['USER_ADMIN', 'GOVERNANCE', 'IMPERSONATE_USER', 'AUDIT', 'QUERY_ENGINE'] } },
      },
      ['principal', 'name'],
    ),
    responses: { '201': '{"keyId","apiKey"}', '404': 'unknown user' },
  },
  { method: 'delete', path: '/v1/api-keys/{keyId}', summary: 'revoke an API key at once', permission: 'USER_ADMIN', responses: { '204': 'revoked', '404': 'unknown key' } },
  {
    method: 'post',
    path: '/v1/iams',
    summary: 'create an identity provider; with scim:true the answer holds its SCIM token (shown once)',
    permission: 'USER_ADMIN',
    body: obj({ id: str, name: str, scim: { type: 'boolean' } }, ['id', 'name']),
    responses: { '201': '{"id","scimToken"?}', '409': 'the id exists' },
  },
];
