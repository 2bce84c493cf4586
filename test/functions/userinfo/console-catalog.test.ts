import { beforeAll, describe, expect, it } from 'vitest';
import { DecisionService } from '#shared/decision-service/index.ts';
import { createImpersonationApp } from '#functions/impersonation/app.ts';
import { createPolicyApp } from '#functions/policy/app.ts';
import { createScimApp } from '#functions/scim/app.ts';
import { createUserinfoApp } from '#functions/userinfo/app.ts';
import { createLocalServer } from '#local/compose.ts';
import type { DecidingServices } from '#shared/services.ts';
import { ADMIN_KEY, bearer, json, testServices } from '../../support/services.ts';
import { pause, requestParties } from '../../support/policy.ts';

let s: DecidingServices;
let server: ReturnType<typeof createLocalServer>;
let alice: Record<string, string>, owner: Record<string, string>, stranger: Record<string, string>;
const admin = bearer(ADMIN_KEY);
const TTL = 40;

interface Page {
  dataSources: Array<{ id: string; access: string; requestable: boolean; request?: { state: string }; columns: unknown[]; domains: string[] }>;
  total: number;
  nextCursor: string | null;
}

async function catalog(query = '', who = alice): Promise<Page> {
  await pause(TTL * 2);
  const res = await server.request(`/v1/users/bim/alice/catalog${query}`, { headers: who });
  expect(res.status).toBe(200);
  return (await res.json()) as Page;
}

const source = (name: string, tags: string[], owners: string[] = [], domain?: string) => ({
  name, platform: 'postgres', database: 'd', schema: 's', table: name, owners, tags, ...(domain ? { domain } : {}),
  columns: [{ name: 'email', type: 'varchar', tags: ['PII.Email'] }],
});

beforeAll(async () => {
  s = await testServices();
  const decisions = new DecisionService(s, { refreshMs: TTL, userCacheMs: TTL });
  const apps = { scim: createScimApp(s), userinfo: createUserinfoApp({ ...s, decisions }), policy: createPolicyApp(s, decisions), impersonation: createImpersonationApp(s) };
  server = createLocalServer(apps, 'test');
  ({ alice, owner, stranger } = await requestParties(s));
  await server.request('/v1/domains/finance', json('PUT', { name: 'Finance', tags: [] }, admin));
  for (let i = 0; i < 12; i++) await server.request(`/v1/data-sources/open-${String(i).padStart(2, '0')}`, json('PUT', source(`Open ${i}`, ['Public']), admin));
  await server.request('/v1/data-sources/ledger', json('PUT', source('Ledger', ['Requestable'], ['owner1'], 'finance'), admin));
  await server.request('/v1/data-sources/hidden', json('PUT', source('Hidden', ['Secret']), admin));
  await server.request('/v1/policies/public', json('PUT', { type: 'subscription', circumstances: [{ type: 'tags', tag: 'Public' }], actions: { type: 'anyone' } }, admin));
  await server.request('/v1/policies/by-request', json('PUT', { type: 'subscription', circumstances: [{ type: 'tags', tag: 'Requestable' }], actions: { type: 'approval', allowDiscovery: true } }, admin));
  await server.request('/v1/policies/secret', json('PUT', { type: 'subscription', circumstances: [{ type: 'tags', tag: 'Secret' }], actions: { type: 'entitlements', entitlements: { groups: ['Nobody'] } } }, admin));
});

describe("a user's catalog", () => {
  it('lists what the user may query or discover, in id order and paged, and never what it may not see', async () => {
    const first = await catalog('?limit=5');
    expect(first.total).toBe(13);
    expect(first.dataSources.map((d) => d.id)).toEqual(['ledger', 'open-00', 'open-01', 'open-02', 'open-03']);
    expect(first.dataSources[0]).toMatchObject({ access: 'discoverable', requestable: true, domains: ['finance'] });
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await catalog(`?limit=5${cursor ? `&cursor=${cursor}` : ''}`);
      ids.push(...page.dataSources.map((d) => d.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(ids).toHaveLength(13);
    expect(ids).not.toContain('hidden');
  });

  it('filters by search, tag (on a column too, hierarchically), domain and access', async () => {
    expect((await catalog('?search=LEDG')).dataSources.map((d) => d.id)).toEqual(['ledger']);
    expect((await catalog('?tag=PII')).total).toBe(13);
    expect((await catalog('?tag=Requestable')).dataSources.map((d) => d.id)).toEqual(['ledger']);
    expect((await catalog('?domain=finance')).dataSources.map((d) => d.id)).toEqual(['ledger']);
    expect((await catalog('?access=discoverable')).total).toBe(1);
    expect((await catalog('?access=granted')).total).toBe(12);
  });

  it('refuses another user without permission, and a bad query with a 400', async () => {
    expect((await server.request('/v1/users/bim/alice/catalog', { headers: stranger })).status).toBe(403);
    expect((await server.request('/v1/users/bim/alice/catalog?limit=0', { headers: alice })).status).toBe(400);
    expect((await server.request('/v1/users/bim/alice/catalog?bogus=1', { headers: alice })).status).toBe(400);
    expect((await server.request('/v1/users/bim/alice/catalog', { headers: admin })).status).toBe(200);
  });
});

describe('the requests to decide', () => {
  it('lists pending requests to their owners and GOVERNANCE only, until decided; the comment stays with the request', async () => {
    const filed = await server.request('/v1/access-requests', json('POST', { dataSource: 'ledger', reason: 'quarterly close' }, alice));
    const { id } = (await filed.json()) as { id: string };
    expect((await catalog('?search=ledger')).dataSources[0]!.request).toMatchObject({ state: 'pending' });
    const list = async (who: Record<string, string>) =>
      ((await (await server.request('/v1/access-requests?toDecide=true', { headers: who })).json()) as { requests: Array<{ id: string }> }).requests.map((r) => r.id);
    expect(await list(owner)).toEqual([id]);
    expect(await list(admin)).toEqual([id]);
    expect(await list(stranger)).toEqual([]);
    expect((await server.request('/v1/access-requests?toDecide=true&state=pending', { headers: owner })).status).toBe(400);
    const approved = await server.request(`/v1/access-requests/${id}/approve`, json('POST', { reason: 'ok for Q3' }, owner));
    expect(await approved.json()).toMatchObject({ state: 'approved', decisionReason: 'ok for Q3', decidedBy: 'bim/owner1' });
    expect(await list(owner)).toEqual([]);
    expect((await catalog('?search=ledger')).dataSources[0]).toMatchObject({ access: 'granted', request: { state: 'approved' } });
  });
});

describe('listings', () => {
  it("lists an IAM's users a page at a time, and every IAM, for USER_ADMIN", async () => {
    const page = (await (await server.request('/v1/users?iamid=bim&limit=2', { headers: admin })).json()) as { users: Array<{ userid: string }>; nextCursor: string | null };
    expect(page.users.map((u) => u.userid)).toEqual(['alice', 'owner1']);
    const next = (await (await server.request(`/v1/users?iamid=bim&limit=2&cursor=${encodeURIComponent(page.nextCursor!)}`, { headers: admin })).json()) as { users: Array<{ userid: string }> };
    expect(next.users.map((u) => u.userid)).toEqual(['stranger']);
    expect((await server.request('/v1/users', { headers: alice })).status).toBe(403);
    expect((await server.request('/v1/users?cursor=garbage', { headers: admin })).status).toBe(400);
    expect((await server.request('/v1/iams', json('POST', { id: 'entra', name: 'Entra ID' }, admin))).status).toBe(201);
    const iams = (await (await server.request('/v1/iams', { headers: admin })).json()) as { iams: Array<{ id: string; name: string }> };
    expect(iams.iams).toContainEqual({ id: 'entra', name: 'Entra ID' });
    expect((await server.request('/v1/iams', { headers: alice })).status).toBe(403);
  });
});
