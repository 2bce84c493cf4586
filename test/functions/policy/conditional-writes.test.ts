import { beforeAll, describe, expect, it } from 'vitest';
import { bearer, json } from '../../support/services.ts';
import { seededPolicyApp } from '../../support/policy.ts';

let app: Awaited<ReturnType<typeof seededPolicyApp>>['app'];
let admin: Record<string, string>;

const anyone = { type: 'subscription', circumstances: [{ type: 'tags', tag: 'Internal' }], actions: { type: 'anyone' } };
const source = { name: 'Clone', platform: 'postgres', database: 'dev', schema: 'hr', table: 'employees' };

beforeAll(async () => {
  const ctx = await seededPolicyApp();
  app = ctx.app;
  admin = bearer(ctx.adminKey);
});

describe('writes conditional on what a plan saw', () => {
  it('create a policy or data source with `If-None-Match: *` only while it does not exist', async () => {
    const created = await app.request('/v1/policies/fresh', json('PUT', anyone, { ...admin, 'if-none-match': '*' }));
    expect(created.status).toBe(201);
    const again = await app.request('/v1/policies/fresh', json('PUT', { ...anyone, name: 'changed' }, { ...admin, 'if-none-match': '*' }));
    expect(again.status).toBe(412);
    expect(((await again.json()) as { detail: string }).detail).toBe('`If-None-Match`: the resource exists');
    expect(((await (await app.request('/v1/policies/fresh', { headers: admin })).json()) as { name?: string }).name).toBeUndefined();

    expect((await app.request('/v1/data-sources/clone', json('PUT', source, { ...admin, 'if-none-match': '*' }))).status).toBe(201);
    expect((await app.request('/v1/data-sources/clone', json('PUT', source, { ...admin, 'if-none-match': '*' }))).status).toBe(412);
    expect((await app.request('/v1/data-sources/clone', json('PUT', source, { ...admin, 'if-none-match': 'W/"1"' }))).status).toBe(400);
  });

  it('delete a policy or data source with `If-Match` only at that version', async () => {
    const stale = await app.request('/v1/policies/fresh', { method: 'DELETE', headers: { ...admin, 'if-match': 'W/"7"' } });
    expect(stale.status).toBe(412);
    expect((await app.request('/v1/policies/fresh', { headers: admin })).status).toBe(200);
    expect((await app.request('/v1/policies/fresh', { method: 'DELETE', headers: { ...admin, 'if-match': 'W/"1"' } })).status).toBe(204);

    expect((await app.request('/v1/data-sources/clone', { method: 'DELETE', headers: { ...admin, 'if-match': 'W/"2"' } })).status).toBe(412);
    expect((await app.request('/v1/data-sources/clone', { method: 'DELETE', headers: { ...admin, 'if-match': 'W/"1"' } })).status).toBe(204);
    expect((await app.request('/v1/data-sources/clone', { method: 'DELETE', headers: { ...admin, 'if-match': 'W/"1"' } })).status).toBe(412);
  });
});
