/**
 * Which function serves which path, as in the table of CONTRACT.md. HTTP API routes match a
 * path exactly or, with `{proxy+}`, everything below it, so `/v1/users*` takes two routes.
 */
export const ROUTES = {
  scim: ['/scim/v2/{proxy+}'],
  userinfo: [
    '/userinfo',
    '/v1/users',
    '/v1/users/{proxy+}',
    '/v1/groups',
    '/v1/groups/{proxy+}',
    '/v1/iams',
    '/v1/iams/{proxy+}',
    '/v1/api-keys',
    '/v1/api-keys/{proxy+}',
  ],
  policy: [
    '/v1/data-sources',
    '/v1/data-sources/{proxy+}',
    '/v1/domains',
    '/v1/domains/{proxy+}',
    '/v1/tags',
    '/v1/policies',
    '/v1/policies/{proxy+}',
    '/v1/decisions',
    '/v1/decisions/{proxy+}',
    '/v1/simulations',
    '/v1/access-requests',
    '/v1/access-requests/{proxy+}',
    '/v1/audit',
    // Every function serves these two; in AWS one of them answers for the whole API.
    '/health',
    '/openapi.json',
  ],
  impersonation: ['/v1/impersonation/{proxy+}', '/v1/settings/impersonation', '/.well-known/jwks.json'],
} as const satisfies Readonly<Record<string, readonly string[]>>;

export type ApiFunctionName = keyof typeof ROUTES;
