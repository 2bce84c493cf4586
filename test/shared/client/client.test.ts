import { build } from 'esbuild';
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { createWardenClient, expandPath, OPERATIONS, WardenApiError, type WardenClient } from '#shared/client/index.ts';
import { DECLARED_ROUTES } from '#shared/http/openapi.ts';
import { seededPolicyApp } from '../../support/policy.ts';

describe('the client operation table', () => {
  it('is exactly the declared JSON routes, with their methods and paths', () => {
    const json = DECLARED_ROUTES.filter((r) => Object.values(r.responses).every((reply) => !reply.contentType));
    const declared = Object.fromEntries(json.map((r) => [r.operationId, { method: r.method, path: r.path }]));
    expect(OPERATIONS).toEqual(declared);
  });

  it('bundles for a browser: no Node module, no server code', async () => {
    const out = await build({ entryPoints: ['shared/client/index.ts'], bundle: true, platform: 'browser', format: 'esm', write: false, metafile: true, logLevel: 'silent' });
    const inputs = Object.keys(out.metafile.inputs);
    expect(inputs.every((p) => p.startsWith('shared/client/'))).toBe(true);
    expect(out.outputFiles[0]!.text).not.toMatch(/from\s*["']node:/);
  });
});

describe('the client against the policy function', () => {
  let client: WardenClient;
  beforeAll(async () => {
    const { app, adminKey } = await seededPolicyApp();
    client = createWardenClient({ baseUrl: 'http://warden.test/', apiKey: adminKey, fetch: async (url, init) => app.request(String(url), init) });
  });

  it('answers typed bodies with their status and ETag', async () => {
    const got = await client.request('getPolicy', { params: { policyKey: 'mask-pii' } });
    expectTypeOf(got.body.policyKey).toEqualTypeOf<string>();
    expect(got).toMatchObject({ status: 200, etag: `W/"${got.body.version}"` });
    expect(got.body.type).toBe('data');
    const list = await client.request('listDataSources', { query: { tag: 'Internal' } });
    expect(list.body.dataSources.map((s) => s.id)).toEqual(['sales']);
  });

  it('rejects with the problem the API answered, naming the operation', async () => {
    const current = await client.request('getPolicy', { params: { policyKey: 'legal-team' } });
    const { version: _v, createdAt: _c, updatedAt: _u, ...doc } = current.body;
    const stale = client.request('putPolicy', { params: { policyKey: 'legal-team' }, body: doc, headers: { 'if-match': 'W/"999"' } });
    await expect(stale).rejects.toBeInstanceOf(WardenApiError);
    await expect(stale).rejects.toMatchObject({ status: 412, operationId: 'putPolicy', problem: { status: 412 } });
    await expect(client.request('getDataSource', { params: { id: 'nope' } })).rejects.toMatchObject({ status: 404, message: 'data source `nope` not found' });
  });

  it('encodes path parameters, so a userid with `@` or `/` reaches its route whole', () => {
    expect(expandPath('/v1/users/{iamid}/{userid}', { iamid: 'okta', userid: 'a/b@c d' })).toBe('/v1/users/okta/a%2Fb%40c%20d');
    expect(() => expandPath('/v1/users/{iamid}/{userid}', { iamid: 'okta' })).toThrow('missing path parameter `userid`');
  });
});
