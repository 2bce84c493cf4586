import { decisionService } from '#shared/decision-service/index.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createUserinfoApp } from '#functions/userinfo/app.ts';
import { DEFAULT_AUTH_CACHE_MS } from '#shared/auth/authenticate.ts';
import { createServices } from '#shared/services.ts';
import type { DecidingServices } from '#shared/services.ts';
import { ADMIN_KEY, auditRecords, bearer, json, testServices } from '../../support/services.ts';

let s: DecidingServices;
let app: ReturnType<typeof createUserinfoApp>;
beforeAll(async () => {
  s = await testServices();
  app = createUserinfoApp(s);
});

async function problemOf(res: Response) {
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  const body = (await res.json()) as { type: string; title: string; status: number; detail: string };
  expect(body.status).toBe(res.status);
  expect(typeof body.detail).toBe('string');
  return body;
}

describe('api keys and authentication', () => {
  it('answers 401 problem+json without a key, and audits it', async () => {
    const res = await app.request('/v1/api-keys', json('POST', { principal: { type: 'service', id: 'x' }, name: 'k' }));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    await problemOf(res);
    const audit = await auditRecords(s);
    expect(audit.some((r) => r.action === 'AUTHENTICATE' && r.actionStatus === 'UNAUTHORIZED')).toBe(true);
  });

  it('answers 401 for a wrong key', async () => {
    const res = await app.request('/v1/api-keys', json('POST', {}, bearer('wdn_wrong')));
    expect(res.status).toBe(401);
    expect((await problemOf(res)).detail).toBe('invalid api key');
  });

  it('creates a key that works once, shown once, stored only as a hash', async () => {
    const res = await app.request(
      '/v1/api-keys',
      json('POST', { principal: { type: 'service', id: 'bi-tool' }, name: 'tableau', permissions: ['USER_ADMIN'] }, bearer(ADMIN_KEY)),
    );
    expect(res.status).toBe(201);
    const { keyId, apiKey } = (await res.json()) as { keyId: string; apiKey: string };
    expect(apiKey).toMatch(/^wdn_[\w-]{43}$/);
    const stored = await s.apiKeys.getById(keyId);
    expect(JSON.stringify(stored)).not.toContain(apiKey);
    const again = await app.request('/v1/iams', json('POST', { id: 'entra', name: 'Entra', scim: true }, bearer(apiKey)));
    expect(again.status).toBe(201);
    expect(((await again.json()) as { scimToken: string }).scimToken).toMatch(/^scim_/);
  });

  it('answers 403 to a key without the permission, and audits the refusal', async () => {
    const created = await app.request('/v1/api-keys', json('POST', { principal: { type: 'service', id: 'reader' }, name: 'r' }, bearer(ADMIN_KEY)));
    const { apiKey } = (await created.json()) as { apiKey: string };
    const res = await app.request('/v1/iams', json('POST', { id: 'nope', name: 'Nope' }, bearer(apiKey)));
    expect(res.status).toBe(403);
    expect((await problemOf(res)).detail).toContain('USER_ADMIN');
    const audit = await auditRecords(s);
    expect(audit.some((r) => r.action === 'AUTHORIZE' && r.actionStatus === 'UNAUTHORIZED' && (r.actor as { id: string }).id === 'reader')).toBe(true);
    expect(await s.iams.get('nope')).toBeUndefined();
  });

  it('stops accepting a key the moment it is deleted', async () => {
    const created = await app.request('/v1/api-keys', json('POST', { principal: { type: 'service', id: 'temp' }, name: 't', permissions: ['USER_ADMIN'] }, bearer(ADMIN_KEY)));
    const { keyId, apiKey } = (await created.json()) as { keyId: string; apiKey: string };
    expect((await app.request(`/v1/api-keys/${keyId}`, { method: 'DELETE', headers: bearer(ADMIN_KEY) })).status).toBe(204);
    const res = await app.request('/v1/iams', json('POST', { id: 'after', name: 'After' }, bearer(apiKey)));
    expect(res.status).toBe(401);
    expect((await app.request(`/v1/api-keys/${keyId}`, { method: 'DELETE', headers: bearer(ADMIN_KEY) })).status).toBe(404);
  });

  it('answers a key id no key could have with a 400 naming it, deleting nothing', async () => {
    const created = await app.request('/v1/api-keys', json('POST', { principal: { type: 'service', id: 'kept' }, name: 'k', permissions: ['USER_ADMIN'] }, bearer(ADMIN_KEY)));
    const { apiKey } = (await created.json()) as { apiKey: string };
    for (const id of ['k'.repeat(3000), encodeURIComponent('a#b'), encodeURIComponent('\u0001')]) {
      const res = await app.request(`/v1/api-keys/${id}`, { method: 'DELETE', headers: bearer(ADMIN_KEY) });
      expect(res.status).toBe(400);
      expect((await problemOf(res)).detail).toMatch(/^invalid path parameter `keyId`/);
    }
    expect((await app.request('/v1/iams', json('POST', { id: 'still', name: 'Still' }, bearer(apiKey)))).status).toBe(201);
  });

  it('gives a user key the user permissions and refuses it once the user is inactive', async () => {
    const u = await s.users.create({ iamid: 'bim', userid: 'admin-user', displayName: 'A', permissions: ['USER_ADMIN'] });
    const created = await app.request('/v1/api-keys', json('POST', { principal: { type: 'user', id: 'admin-user' }, name: 'mine' }, bearer(ADMIN_KEY)));
    const { apiKey } = (await created.json()) as { apiKey: string };
    expect((await app.request('/v1/iams', json('POST', { id: 'u1', name: 'U1' }, bearer(apiKey)))).status).toBe(201);
    await s.users.update(u, { active: false });
    await new Promise((r) => setTimeout(r, DEFAULT_AUTH_CACHE_MS + 50));
    expect((await app.request('/v1/iams', json('POST', { id: 'u2', name: 'U2' }, bearer(apiKey)))).status).toBe(401);
  });

  it('stops accepting a deleted key on every other instance within the cache time', async () => {
    const other = createUserinfoApp(createServices(s.db, s.config, { bootstrapKeyHash: async () => undefined, decisions: decisionService }));
    const created = await app.request('/v1/api-keys', json('POST', { principal: { type: 'service', id: 'shared' }, name: 's', permissions: ['USER_ADMIN'] }, bearer(ADMIN_KEY)));
    const { keyId, apiKey } = (await created.json()) as { keyId: string; apiKey: string };
    expect((await other.request('/v1/iams', json('POST', { id: 'warm', name: 'Warm' }, bearer(apiKey)))).status).toBe(201);
    await app.request(`/v1/api-keys/${keyId}`, { method: 'DELETE', headers: bearer(ADMIN_KEY) });
    await new Promise((r) => setTimeout(r, DEFAULT_AUTH_CACHE_MS + 50));
    expect((await other.request('/v1/iams', json('POST', { id: 'cold', name: 'Cold' }, bearer(apiKey)))).status).toBe(401);
  });

  it('answers 404 for a key of an unknown user', async () => {
    const res = await app.request('/v1/api-keys', json('POST', { principal: { type: 'user', id: 'ghost' }, name: 'g' }, bearer(ADMIN_KEY)));
    expect(res.status).toBe(404);
  });

  it('answers 400 naming the problem for malformed JSON, unknown fields and wrong types, and audits it', async () => {
    const malformed = await app.request('/v1/iams', { method: 'POST', headers: { ...bearer(ADMIN_KEY), 'content-type': 'application/json' }, body: '{"id":' });
    expect(malformed.status).toBe(400);
    expect((await problemOf(malformed)).detail).toMatch(/malformed JSON/);
    const unknown = await app.request('/v1/iams', json('POST', { id: 'x', name: 'X', colour: 'red' }, bearer(ADMIN_KEY)));
    expect((await problemOf(unknown)).detail).toContain('colour');
    const wrongType = await app.request('/v1/iams', json('POST', { id: 'x', name: 5 }, bearer(ADMIN_KEY)));
    expect((await problemOf(wrongType)).detail).toContain('`name`');
    const audit = await auditRecords(s);
    expect(audit.filter((r) => r.action === 'REQUEST' && r.actionStatus === 'FAILURE').length).toBeGreaterThanOrEqual(3);
  });

  it('answers 413 for a body over 1 MiB', async () => {
    const res = await app.request('/v1/iams', json('POST', { id: 'big', name: 'x'.repeat(1024 * 1024 + 10) }, bearer(ADMIN_KEY)));
    expect(res.status).toBe(413);
  });

  it('never answers 5xx to arbitrary bodies and never creates an IAM from them', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify(v))), async (body) => {
        const res = await app.request('/v1/iams', { method: 'POST', headers: { ...bearer(ADMIN_KEY), 'content-type': 'application/json' }, body });
        expect(res.status).toBeLessThan(500);
        if (res.status === 201) {
          const { id } = (await res.json()) as { id: string };
          expect(JSON.parse(body)).toMatchObject({ id });
        }
      }),
      { numRuns: 150 },
    );
  });
});
