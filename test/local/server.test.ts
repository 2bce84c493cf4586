import { beforeAll, describe, expect, it } from 'vitest';
import { createFunctionApps, createLocalServer } from '#local/compose.ts';
import { FUNCTIONS, functionFor } from '#shared/http/path-prefixes.ts';
import { VERSION } from '#shared/config.ts';
import { localServices } from '../support/services.ts';

let server: ReturnType<typeof createLocalServer>;
let apps: ReturnType<typeof createFunctionApps>;
beforeAll(async () => {
  const { services } = await localServices();
  apps = createFunctionApps(services);
  server = createLocalServer(apps, VERSION);
});

describe('local server', () => {
  it('answers /health only when all four functions do', async () => {
    const res = await server.request('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', version: VERSION });
    const broken = createLocalServer({ ...apps, scim: { fetch: () => new Response(null, { status: 500 }) } }, VERSION);
    const degraded = await broken.request('/health');
    expect(degraded.status).toBe(503);
    expect(await degraded.json()).toEqual({ status: 'degraded', version: VERSION });
  });

  it.each(FUNCTIONS)('serves /health and /openapi.json from the %s function', async (fn) => {
    const health = await apps[fn].fetch(new Request('http://x/health'));
    expect(await health.json()).toEqual({ status: 'ok', version: VERSION });
    const doc = (await (await apps[fn].fetch(new Request('http://x/openapi.json'))).json()) as { openapi: string; paths: object };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/v1/api-keys');
  });

  it('routes paths to functions as API Gateway does', () => {
    expect(functionFor('/scim/v2/Users')).toBe('scim');
    expect(functionFor('/userinfo')).toBe('userinfo');
    expect(functionFor('/v1/users/okta/jdoe/data-sources')).toBe('userinfo');
    expect(functionFor('/v1/decisions/batch')).toBe('policy');
    expect(functionFor('/v1/settings/impersonation')).toBe('impersonation');
    expect(functionFor('/.well-known/jwks.json')).toBe('impersonation');
    expect(functionFor('/v1/userspace')).toBeUndefined();
  });

  it('answers unknown paths with a problem+json 404', async () => {
    const res = await server.request('/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });
});
