import { beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '#shared/auth/secrets.ts';
import { createFunctionApps } from '#local/compose.ts';
import { DECLARED_ROUTES } from '#shared/http/openapi.ts';
import { FUNCTIONS, functionFor, type FunctionName } from '#shared/http/path-prefixes.ts';
import { bearer, localServices } from '../../support/services.ts';

type Routed = { routes: Array<{ method: string; path: string }> };

let apps: ReturnType<typeof createFunctionApps>;
let documented: Array<{ method: string; path: string }>;
const NO_PERMISSIONS_KEY = 'wdn_test-no-permissions';

beforeAll(async () => {
  const { services } = await localServices();
  apps = createFunctionApps(services);
  await services.apiKeys.create({ hash: sha256Hex(NO_PERMISSIONS_KEY), name: 'none', principal: { type: 'service', id: 'no-permissions' }, permissions: [], createdBy: 'test' });
  const doc = (await (await apps.policy.fetch(new Request('http://x/openapi.json'))).json()) as { paths: Record<string, Record<string, unknown>> };
  documented = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => ({ method, path })));
});

/** The routes an app serves, as `get /v1/x/{id}`; middleware (`ALL`, `*`) is not a route. */
function served(fn: FunctionName): string[] {
  return (apps[fn] as unknown as Routed).routes
    .filter((r) => r.method !== 'ALL' && !r.path.includes('*'))
    .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
}

/** A concrete path for a templated one. */
const concrete = (path: string) => path.replace(/\{\w+\}/g, 'x');

describe('the routes each function serves and the document', () => {
  it('document every route of every function but SCIM, with its exact path and method', () => {
    const keys = new Set(documented.map((d) => `${d.method} ${d.path}`));
    for (const fn of FUNCTIONS.filter((f) => f !== 'scim')) expect(served(fn).filter((r) => !keys.has(r)), fn).toEqual([]);
  });

  it('list no operation that the function the path table names does not serve', () => {
    const missing = documented.filter(({ method, path }) => {
      const fn = functionFor(path);
      return !fn || !served(fn).includes(`${method} ${path}`);
    });
    expect(missing).toEqual([]);
  });

  it('refuse every guarded declared route without credentials, and answer open ones', async () => {
    for (const route of DECLARED_ROUTES) {
      const res = await apps[functionFor(route.path)!].fetch(new Request(`http://x${concrete(route.path)}`, { method: route.method.toUpperCase() }));
      if (route.guard.kind === 'open') expect([401, 403], route.operationId).not.toContain(res.status);
      else expect(res.status, route.operationId).toBe(401);
    }
  });

  it('refuse a caller without the permission a route declares, saying which it needs', async () => {
    const guarded = DECLARED_ROUTES.filter((r) => r.guard.kind === 'permission' && !r.self);
    expect(guarded.length).toBeGreaterThan(0);
    for (const route of guarded) {
      const res = await apps[functionFor(route.path)!].fetch(new Request(`http://x${concrete(route.path)}`, { method: route.method.toUpperCase(), headers: bearer(NO_PERMISSIONS_KEY) }));
      expect(res.status, route.operationId).toBe(403);
      const anyOf = route.guard.kind === 'permission' ? route.guard.anyOf : [];
      expect(((await res.json()) as { detail: string }).detail).toBe(`requires permission ${anyOf.map((p) => `\`${p}\``).join(' or ')}`);
    }
  });
});
