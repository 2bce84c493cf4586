/** The four Lambda functions of the HTTP API. */
export const FUNCTIONS = ['scim', 'userinfo', 'policy', 'impersonation'] as const;
export type FunctionName = (typeof FUNCTIONS)[number];

/**
 * The console's pages (`functions/console/`): a function of its own that serves HTML, outside the
 * API document; CDK routes `/console` and every path below it to it, and so does the local server.
 */
export const CONSOLE_PREFIX = '/console';

/** Which paths a prefix takes: the path itself, every path below it, or both. */
export type PrefixMatch = 'exact' | 'below' | 'both';

/**
 * Which function serves which path: the one table from which CDK builds the HTTP API routes
 * and the local runtime routes requests, so the two cannot drift apart. Pure data, read by CDK.
 */
export const PATH_PREFIXES = {
  scim: { '/scim/v2': 'below' },
  userinfo: {
    // `/userinfo/{iamid}`: a URL of one IAM that Immuta can append `?userid=` to.
    '/userinfo': 'both',
    '/v1/users': 'both',
    '/v1/groups': 'both',
    '/v1/iams': 'both',
    '/v1/api-keys': 'both',
    // Console sessions (sign in, CSRF token, sign out).
    '/v1/console': 'below',
  },
  policy: {
    '/v1/data-sources': 'both',
    '/v1/domains': 'both',
    '/v1/tags': 'exact',
    '/v1/policies': 'both',
    '/v1/decisions': 'both',
    '/v1/simulations': 'exact',
    '/v1/access-requests': 'both',
    '/v1/audit': 'exact',
    '/v1/integrations': 'below',
    '/v1/opa': 'below',
    // Every function serves these; in AWS this one answers for the whole API (and its bundle
    // carries the reference's static files, `shared/http/docs-assets.ts`).
    '/health': 'exact',
    '/openapi.json': 'exact',
    '/docs': 'both',
  },
  impersonation: {
    '/v1/impersonation': 'below',
    '/v1/settings/impersonation': 'exact',
    '/.well-known/jwks.json': 'exact',
  },
} as const satisfies Readonly<Record<FunctionName, Readonly<Record<string, PrefixMatch>>>>;

/** Every prefix with its function and how it matches, in table order. */
export function pathPrefixes(): ReadonlyArray<{ readonly fn: FunctionName; readonly prefix: string; readonly match: PrefixMatch }> {
  return FUNCTIONS.flatMap((fn) => Object.entries(PATH_PREFIXES[fn]).map(([prefix, match]) => ({ fn, prefix, match })));
}

const PREFIXES = pathPrefixes();

/**
 * The function serving `path`, as API Gateway routes it from the same table (an exact route
 * takes the path itself, a `{proxy+}` route every path below it); undefined when none does.
 */
export function functionFor(path: string): FunctionName | undefined {
  for (const { prefix, match, fn } of PREFIXES) {
    if (match !== 'below' && path === prefix) return fn;
    if (match !== 'exact' && path.startsWith(`${prefix}/`)) return fn;
  }
  return undefined;
}
