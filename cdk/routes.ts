import { PATH_PREFIXES, type FunctionName, type PrefixMatch } from '#shared/http/path-prefixes.ts';

/**
 * The HTTP API route paths of one prefix: HTTP API routes match a path exactly or, with
 * `{proxy+}`, everything below it, so a prefix serving both takes two routes.
 */
export function gatewayPaths(prefix: string, match: PrefixMatch): string[] {
  const below = `${prefix}/{proxy+}`;
  return match === 'exact' ? [prefix] : match === 'below' ? [below] : [prefix, below];
}

/** The route paths of one function, derived from the path-prefix table. */
function routesOf(fn: FunctionName): string[] {
  return Object.entries(PATH_PREFIXES[fn]).flatMap(([prefix, match]) => gatewayPaths(prefix, match));
}

/** The route paths of each function. */
export const ROUTES = {
  scim: routesOf('scim'),
  userinfo: routesOf('userinfo'),
  policy: routesOf('policy'),
  impersonation: routesOf('impersonation'),
} as const satisfies Readonly<Record<FunctionName, readonly string[]>>;

export type ApiFunctionName = keyof typeof ROUTES;
