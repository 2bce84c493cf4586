import { describe, expect, it } from 'vitest';
import { openApiDocument } from '#shared/http/openapi.ts';
import { functionFor } from '#shared/http/path-prefixes.ts';
import { USERINFO_ROUTES } from '#shared/http/routes/userinfo.ts';

type Operation = { operationId?: string; security?: unknown[]; 'x-warden-permission'?: string; requestBody?: { content: Record<string, { schema: Record<string, unknown> }> } };
const doc = () => openApiDocument({ version: '0.0.0', issuer: 'http://x' }) as { paths: Record<string, Record<string, Operation>> };

describe('the userinfo function in the OpenAPI document', () => {
  it('declares every route it serves', () => {
    for (const route of USERINFO_ROUTES) {
      expect(functionFor(route.path), route.path).toBe('userinfo');
      expect(doc().paths[route.path]?.[route.method]?.operationId).toBe(route.operationId);
    }
  });

  it('takes HTTP Basic (the API key as password) on /userinfo only', () => {
    const paths = doc().paths;
    for (const path of ['/userinfo', '/userinfo/{iamid}']) {
      expect(paths[path]!.get!.security, path).toEqual([{ bearer: [] }, { basic: [] }]);
      expect(paths[path]!.get!['x-warden-permission']).toBe('self or QUERY_ENGINE or USER_ADMIN');
    }
    const others = USERINFO_ROUTES.filter((r) => !r.path.startsWith('/userinfo')).map((r) => paths[r.path]![r.method]!);
    expect(others.filter((op) => op.security !== undefined).map((op) => op.operationId)).toEqual([]);
  });

  it('shows the external source body as it is checked, without the deployment allow-list', () => {
    const body = doc().paths['/v1/iams/{iamid}/external-source']!.put!.requestBody!.content['application/json']!.schema;
    expect(body).toMatchObject({ type: 'object', additionalProperties: false, required: ['uri'] });
    expect(Object.keys(body.properties as object).sort()).toEqual(['auth', 'ttlSeconds', 'uri']);
  });
});
