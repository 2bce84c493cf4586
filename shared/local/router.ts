/** The four Lambda functions and which paths API Gateway routes to each (CONTRACT.md). */
export const FUNCTIONS = ['scim', 'userinfo', 'policy', 'impersonation'] as const;
export type FunctionName = (typeof FUNCTIONS)[number];

const PREFIXES: ReadonlyArray<readonly [string, FunctionName]> = [
  ['/scim/v2', 'scim'],
  ['/userinfo', 'userinfo'],
  ['/v1/users', 'userinfo'],
  ['/v1/groups', 'userinfo'],
  ['/v1/iams', 'userinfo'],
  ['/v1/api-keys', 'userinfo'],
  ['/v1/data-sources', 'policy'],
  ['/v1/domains', 'policy'],
  ['/v1/tags', 'policy'],
  ['/v1/policies', 'policy'],
  ['/v1/decisions', 'policy'],
  ['/v1/simulations', 'policy'],
  ['/v1/access-requests', 'policy'],
  ['/v1/audit', 'policy'],
  ['/v1/impersonation', 'impersonation'],
  ['/v1/settings/impersonation', 'impersonation'],
  ['/.well-known/jwks.json', 'impersonation'],
];

/** The function serving `path`, as API Gateway would route it; undefined when none does. */
export function functionFor(path: string): FunctionName | undefined {
  for (const [prefix, fn] of PREFIXES) {
    if (path === prefix || path.startsWith(`${prefix}/`)) return fn;
  }
  return undefined;
}
