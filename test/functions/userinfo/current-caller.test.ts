import { beforeAll, describe, expect, it } from 'vitest';
import { createUserinfoApp } from '#functions/userinfo/app.ts';
import type { DecidingServices } from '#shared/services.ts';
import { ADMIN_KEY, bearer, json, testServices } from '../../support/services.ts';

let s: DecidingServices;
let app: ReturnType<typeof createUserinfoApp>;
beforeAll(async () => {
  s = await testServices();
  app = createUserinfoApp(s);
});

describe('GET /v1/api-keys/current', () => {
  it('names the principal and permissions of the calling key, and of the bootstrap key', async () => {
    const created = await app.request('/v1/api-keys', json('POST', { principal: { type: 'service', id: 'ci' }, name: 'ci', permissions: ['GOVERNANCE', 'AUDIT'] }, bearer(ADMIN_KEY)));
    const { keyId, apiKey } = (await created.json()) as { keyId: string; apiKey: string };
    const res = await app.request('/v1/api-keys/current', { headers: bearer(apiKey) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ principal: { type: 'service', id: 'ci' }, label: 'service:ci', permissions: ['AUDIT', 'GOVERNANCE'], via: 'api-key', keyId });
    const boot = (await (await app.request('/v1/api-keys/current', { headers: bearer(ADMIN_KEY) })).json()) as { via: string; permissions: string[] };
    expect(boot.via).toBe('bootstrap');
    expect(boot.permissions).toContain('USER_ADMIN');
  });

  it('is a 401 without a key or with an unknown one', async () => {
    expect((await app.request('/v1/api-keys/current')).status).toBe(401);
    expect((await app.request('/v1/api-keys/current', { headers: bearer('wdn_nope') })).status).toBe(401);
  });
});
