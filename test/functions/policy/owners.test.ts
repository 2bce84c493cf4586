import { beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '#shared/services.ts';
import { auditRecords, bearer, json } from '../../support/services.ts';
import { keyFor, seededPolicyApp } from '../../support/policy.ts';

let s: Services;
let app: Awaited<ReturnType<typeof seededPolicyApp>>['app'];
let admin: Record<string, string>;
let oktaJdoe: Record<string, string>;
let partnerJdoe: Record<string, string>;
let requester: Record<string, string>;

beforeAll(async () => {
  const seeded = await seededPolicyApp();
  ({ services: s, app } = seeded);
  admin = bearer(seeded.adminKey);
  // Same userid, another identity provider: not the demo's HR owner.
  await s.users.create({ iamid: 'partner', userid: 'jdoe', displayName: 'Not Jane' });
  await s.users.create({ iamid: 'bim', userid: 'asker', displayName: 'Asker' });
  oktaJdoe = bearer(await keyFor(s, { type: 'user', iamid: 'okta', id: 'jdoe' }));
  partnerJdoe = bearer(await keyFor(s, { type: 'user', iamid: 'partner', id: 'jdoe' }));
  requester = bearer(await keyFor(s, { type: 'user', iamid: 'bim', id: 'asker' }));
});

async function requestAccess(): Promise<string> {
  const res = await app.request('/v1/access-requests', json('POST', { dataSource: 'hr_data' }, requester));
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

describe('data source owners are (iamid, userid)', () => {
  it('shows the demo owners of hr_data with their IAM', async () => {
    const res = await app.request('/v1/data-sources/hr_data', { headers: admin });
    expect(((await res.json()) as { owners: unknown }).owners).toEqual([{ iamid: 'okta', userid: 'jdoe' }]);
  });

  it('lets okta/jdoe list and approve requests on hr_data, and not partner/jdoe', async () => {
    const id = await requestAccess();
    expect((await app.request('/v1/access-requests?dataSource=hr_data', { headers: partnerJdoe })).status).toBe(403);
    expect((await app.request(`/v1/access-requests/${id}`, { headers: partnerJdoe })).status).toBe(403);
    expect((await app.request(`/v1/access-requests/${id}/approve`, json('POST', {}, partnerJdoe))).status).toBe(403);
    expect((await app.request(`/v1/access-requests/${id}/deny`, json('POST', {}, partnerJdoe))).status).toBe(403);

    const listed = await app.request('/v1/access-requests?dataSource=hr_data', { headers: oktaJdoe });
    expect(listed.status).toBe(200);
    expect(((await listed.json()) as { requests: Array<{ id: string }> }).requests.map((r) => r.id)).toContain(id);
    const approved = await app.request(`/v1/access-requests/${id}/approve`, json('POST', {}, oktaJdoe));
    expect(approved.status).toBe(200);
    expect(await approved.json()).toMatchObject({ state: 'approved', decidedBy: 'okta/jdoe' });
    const audit = (await auditRecords(s)).find((r) => r.action === 'APPROVE_ACCESS' && (r.targets as string[])[0] === id);
    expect(audit?.payload).toMatchObject({ decidedBy: 'okta/jdoe', user: { iamid: 'bim', userid: 'asker' } });
  });

  it('names a deciding service principal as such', async () => {
    const id = await requestAccess();
    const governor = bearer(await keyFor(s, { type: 'service', id: 'steward' }, ['GOVERNANCE']));
    const denied = await app.request(`/v1/access-requests/${id}/deny`, json('POST', {}, governor));
    expect(await denied.json()).toMatchObject({ state: 'denied', decidedBy: 'service:steward' });
  });

  it('takes a bare userid as the default IAM and refuses a malformed owner, storing nothing', async () => {
    const source = (owners: unknown) => ({ name: 'O', platform: 'postgres', database: 'd', schema: 's', table: 't', owners });
    const put = await app.request('/v1/data-sources/mixed', json('PUT', source(['asker', { iamid: 'okta', userid: 'jdoe' }, { userid: 'asker' }]), admin));
    expect(put.status).toBe(201);
    expect(((await put.json()) as { owners: unknown }).owners).toEqual([{ iamid: 'bim', userid: 'asker' }, { iamid: 'okta', userid: 'jdoe' }]);
    for (const bad of [[{ iamid: 'okta' }], [{ iamid: 'bad iam!', userid: 'x' }], [{ userid: 'x', role: 'owner' }], [42], ['a#b']]) {
      const res = await app.request('/v1/data-sources/bad-owner', json('PUT', source(bad), admin));
      expect(res.status).toBe(400);
      expect(((await res.json()) as { detail: string }).detail).toContain('`owners.0');
    }
    expect((await app.request('/v1/data-sources/bad-owner', { headers: admin })).status).toBe(404);
  });
});
