import { pathPrefixes, type FunctionName } from '#shared/http/path-prefixes.ts';

export { FUNCTIONS, type FunctionName } from '#shared/http/path-prefixes.ts';

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
