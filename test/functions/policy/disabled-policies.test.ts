import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '#shared/services.ts';
import { auditRecords, bearer, json } from '../../support/services.ts';
import { keyFor, pause, seededPolicyApp } from '../../support/policy.ts';

let s: Services;
let app: Awaited<ReturnType<typeof seededPolicyApp>>['app'];
let admin: Record<string, string>;
let owner: Record<string, string>;
let otherOwner: Record<string, string>;

const path = (id: string, key: string) => `/v1/data-sources/${id}/disabled-policies/${key}`;

async function decision(userid: string, dataSource: string): Promise<{ access: string; reason?: string; disabledPolicies?: string[] }> {
  await pause(80);
  const res = await app.request('/v1/decisions', json('POST', { user: { iamid: 'okta', userid }, dataSource }, admin));
  expect(res.status).toBe(200);
  return (await res.json()) as { access: string; disabledPolicies?: string[] };
}

beforeAll(async () => {
  const ctx = await seededPolicyApp();
  s = ctx.services;
  app = ctx.app;
  admin = bearer(ctx.adminKey);
  owner = bearer(await keyFor(s, { type: 'user', iamid: 'okta', id: 'jdoe' }));
  otherOwner = bearer(await keyFor(s, { type: 'user', iamid: 'okta', id: 'smwilliams@example.com' }));
});

describe('policies disabled on one data source', () => {
  it('leave the policy out of decisions on that source only, say so in the decision, and are audited', async () => {
    expect(await decision('smwilliams@example.com', 'hr_data')).toMatchObject({ access: 'denied' });
    const res = await app.request(path('hr_data', 'legal-team'), { method: 'PUT', headers: owner });
    expect(res.status).toBe(200);
    const source = (await res.json()) as { disabledPolicies: string[]; version: number };
    expect(source.disabledPolicies).toEqual(['legal-team']);
    expect(res.headers.get('etag')).toBe(`W/"${source.version}"`);

    expect(await decision('smwilliams@example.com', 'hr_data')).toMatchObject({ access: 'granted', disabledPolicies: ['legal-team'] });
    const elsewhere = await decision('smwilliams@example.com', 'patients');
    expect(elsewhere.access).toBe('denied');
    expect(elsewhere.disabledPolicies).toBeUndefined();

    const audit = (await auditRecords(s)).filter((r) => r.targetType === 'dataSource' && (r.payload as Record<string, unknown>).disabledPolicy === 'legal-team');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'UPDATE', targets: ['hr_data'], userId: 'okta/jdoe' });
  });

  it('are kept when the source is replaced without naming them, and replaced when it names them', async () => {
    const current = (await (await app.request('/v1/data-sources/hr_data', { headers: admin })).json()) as Record<string, unknown>;
    const { id: _i, version: _v, createdAt: _c, updatedAt: _u, disabledPolicies: _d, ...input } = current;
    const kept = await app.request('/v1/data-sources/hr_data', json('PUT', input, admin));
    expect(((await kept.json()) as { disabledPolicies?: string[] }).disabledPolicies).toEqual(['legal-team']);
    const cleared = await app.request('/v1/data-sources/hr_data', json('PUT', { ...input, disabledPolicies: [] }, admin));
    expect(((await cleared.json()) as { disabledPolicies?: string[] }).disabledPolicies).toBeUndefined();
    expect(await decision('smwilliams@example.com', 'hr_data')).toMatchObject({ access: 'denied' });
  });

  it('are enabled again with DELETE, which is a 404 for a policy not disabled there', async () => {
    expect((await app.request(path('hr_data', 'employees-only'), { method: 'PUT', headers: admin })).status).toBe(200);
    const enabled = await app.request(path('hr_data', 'employees-only'), { method: 'DELETE', headers: admin });
    expect(enabled.status).toBe(200);
    expect(((await enabled.json()) as { disabledPolicies?: string[] }).disabledPolicies).toBeUndefined();
    const again = await app.request(path('hr_data', 'employees-only'), { method: 'DELETE', headers: admin });
    expect(again.status).toBe(404);
    expect(((await again.json()) as { detail: string }).detail).toBe('policy `employees-only` is not disabled on data source `hr_data`');
  });

  it('refuse another source owner, an unknown source or policy, a malformed key and a stale If-Match, changing nothing', async () => {
    const before = await app.request('/v1/data-sources/hr_data', { headers: admin });
    const version = ((await before.json()) as { version: number }).version;
    const refused = await app.request(path('hr_data', 'legal-team'), { method: 'PUT', headers: otherOwner });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { detail: string }).detail).toBe('changing the policies disabled on data source `hr_data` requires permission `GOVERNANCE`, or to own the source');
    expect((await app.request(path('nope', 'legal-team'), { method: 'PUT', headers: admin })).status).toBe(404);
    const ghost = await app.request(path('hr_data', 'ghost'), { method: 'PUT', headers: admin });
    expect(ghost.status).toBe(404);
    expect(((await ghost.json()) as { detail: string }).detail).toBe('policy `ghost` not found');
    expect((await app.request(path('hr_data', '-bad key'), { method: 'PUT', headers: admin })).status).toBe(400);
    const stale = await app.request(path('hr_data', 'legal-team'), { method: 'PUT', headers: { ...admin, 'if-match': 'W/"1"' } });
    expect(stale.status).toBe(412);
    const after = (await (await app.request('/v1/data-sources/hr_data', { headers: admin })).json()) as { version: number };
    expect(after.version).toBe(version);
  });

  it('never answer 5xx to random path parameters or If-Match headers, and change nothing when they refuse', async () => {
    const segment = fc.oneof(fc.constantFrom('hr_data', 'legal-team', 'sales'), fc.string({ maxLength: 300 }));
    const ifMatch = fc.option(fc.oneof(fc.constantFrom('*', 'W/"1"', '"x"'), fc.string()), { nil: undefined });
    await fc.assert(
      fc.asyncProperty(segment, segment, ifMatch, fc.constantFrom('PUT', 'DELETE'), async (id, key, tag, method) => {
        const before = (await s.catalog.scan()).sources.map((x) => x.version);
        const headers: Record<string, string> = { ...admin, ...(tag === undefined ? {} : { 'if-match': tag }) };
        let res: Response;
        try {
          res = await app.request(`/v1/data-sources/${encodeURIComponent(id)}/disabled-policies/${encodeURIComponent(key)}`, { method, headers });
        } catch {
          return; // a header value `fetch` itself refuses never reaches the API
        }
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) expect((await s.catalog.scan()).sources.map((x) => x.version)).toEqual(before);
        if (res.status === 200 && method === 'PUT') await app.request(`/v1/data-sources/${encodeURIComponent(id)}/disabled-policies/${encodeURIComponent(key)}`, { method: 'DELETE', headers: admin });
      }),
      { numRuns: 80 },
    );
  });
});
