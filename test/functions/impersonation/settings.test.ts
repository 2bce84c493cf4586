import { beforeAll, describe, expect, it } from 'vitest';
import type { DecidingServices } from '#shared/services.ts';
import { ADMIN_KEY, auditRecords, bearer, json } from '../../support/services.ts';
import { apiKeyFor, impersonationApp, impersonationServices, putSession, user } from './support.ts';

let s: DecidingServices;
let app: ReturnType<typeof impersonationApp>;
beforeAll(async () => {
  const built = await impersonationServices();
  s = built.services;
  app = impersonationApp(s, built.clock, { userMappingIamid: 'okta', tokenTtlSeconds: 600 });
});

const put = (body: unknown, key = ADMIN_KEY) => app.request('/v1/settings/impersonation', json('PUT', body, bearer(key)));

describe('impersonation settings', () => {
  it('shows the deployment defaults until changed', async () => {
    const res = await app.request('/v1/settings/impersonation', { headers: bearer(ADMIN_KEY) });
    expect(await res.json()).toEqual({ allowedImpersonators: [], singleImpersonationPerSession: true, userMappingIamid: 'okta', tokenTtlSeconds: 600, version: 0 });
  });

  it('stores a change, audits it, and applies it to the next session', async () => {
    await user(s, 'entra', 'jdoe');
    const key = await apiKeyFor(s, { type: 'service', id: 'tableau' });
    expect((await putSession(app, key, 'st-1', { userid: 'jdoe' })).status).toBe(403);
    const res = await put({ allowedImpersonators: [{ type: 'service', id: 'tableau' }, { type: 'user', id: 'edixon' }], userMappingIamid: 'entra', tokenTtlSeconds: 120 });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      allowedImpersonators: [{ type: 'service', id: 'tableau' }, { type: 'user', id: 'edixon', iamid: 'bim' }],
      singleImpersonationPerSession: true,
      userMappingIamid: 'entra',
      tokenTtlSeconds: 120,
      version: 1,
    });
    const minted = await putSession(app, key, 'st-1', { userid: 'jdoe' });
    expect(minted.status).toBe(200);
    const body = (await minted.json()) as { user: unknown; expiresAt: string };
    expect(body.user).toEqual({ iamid: 'entra', userid: 'jdoe' });
    expect(Date.parse(body.expiresAt) - Date.now()).toBeLessThanOrEqual(121_000);
    expect((await auditRecords(s)).some((r) => r.action === 'UPDATE' && r.targetType === 'impersonationSettings')).toBe(true);
  });

  it('requires USER_ADMIN to read or change', async () => {
    const key = await apiKeyFor(s, { type: 'service', id: 'reader' }, ['IMPERSONATE_USER', 'AUDIT']);
    expect((await put({ singleImpersonationPerSession: false }, key)).status).toBe(403);
    expect((await app.request('/v1/settings/impersonation', { headers: bearer(key) })).status).toBe(403);
  });

  it('answers 400 naming the field for a lifetime out of bounds, an unknown field or a bad impersonator', async () => {
    for (const [body, field] of [
      [{ tokenTtlSeconds: 30 }, 'tokenTtlSeconds'],
      [{ tokenTtlSeconds: 86_400 }, 'tokenTtlSeconds'],
      [{ colour: 'red' }, 'colour'],
      [{ allowedImpersonators: [{ type: 'robot', id: 'x' }] }, 'allowedImpersonators'],
    ] as const) {
      const res = await put(body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { detail: string }).detail).toContain(field);
    }
  });
});
