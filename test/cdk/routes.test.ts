import { describe, expect, it } from 'vitest';
import { pathPrefixes } from '#shared/http/path-prefixes.ts';
import { functionFor } from '#shared/http/path-prefixes.ts';
import { ROUTES } from '../../cdk/routes.ts';

const routeKeys = Object.entries(ROUTES).flatMap(([fn, paths]) => paths.map((path) => ({ fn, path })));

/** The function API Gateway invokes for a concrete path, read from the route keys alone. */
function gatewayFunction(path: string): string | undefined {
  const exact = routeKeys.find((r) => r.path === path);
  if (exact) return exact.fn;
  return routeKeys.find((r) => r.path.endsWith('/{proxy+}') && path.startsWith(r.path.slice(0, -'{proxy+}'.length)))?.fn;
}

describe('routes derived from the path-prefix table', () => {
  it('give a prefix serving both forms an exact and a {proxy+} route, and the others one', () => {
    expect(ROUTES.userinfo).toEqual(expect.arrayContaining(['/v1/users', '/v1/users/{proxy+}', '/userinfo', '/userinfo/{proxy+}']));
    expect(ROUTES.policy).toContain('/v1/tags');
    expect(ROUTES.policy).not.toContain('/v1/tags/{proxy+}');
    expect(ROUTES.scim).toEqual(['/scim/v2/{proxy+}']);
    expect(ROUTES.impersonation).toEqual(['/v1/impersonation/{proxy+}', '/v1/settings/impersonation', '/.well-known/jwks.json']);
  });

  it('send /userinfo/{iamid} to the userinfo function, in AWS and locally', () => {
    expect(gatewayFunction('/userinfo/okta')).toBe('userinfo');
    expect(functionFor('/userinfo/okta')).toBe('userinfo');
  });

  it('let the local router send every path where API Gateway sends it, and nowhere else', () => {
    const samples = pathPrefixes().flatMap(({ prefix }) => [prefix, `${prefix}/x`, `${prefix}/x/y`, `${prefix}x`]);
    expect(samples.length).toBeGreaterThan(60);
    for (const path of [...samples, '/', '/v1', '/scim', '/v1/settings', '/.well-known/openid-configuration']) {
      expect(functionFor(path), path).toBe(gatewayFunction(path));
    }
  });

  it('never let two prefixes claim the same path', () => {
    const prefixes = pathPrefixes().map((p) => p.prefix);
    for (const a of prefixes) {
      for (const b of prefixes) if (a !== b) expect(b.startsWith(`${a}/`), `${a} and ${b}`).toBe(false);
    }
    expect(new Set(prefixes).size).toBe(prefixes.length);
  });
});
