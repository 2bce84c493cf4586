import { beforeAll, describe, expect, it } from 'vitest';
import { createPolicyApp } from '#functions/policy/app.ts';
import { DecisionService } from '#shared/decision-service/index.ts';
import type { DecidingServices } from '#shared/services.ts';
import { ADMIN_KEY, bearer, json, testServices } from '../../support/services.ts';
import { keyFor, pause } from '../../support/policy.ts';

let s: DecidingServices;
let app: ReturnType<typeof createPolicyApp>;
let alice: Record<string, string>;
const admin = bearer(ADMIN_KEY);

const access = async () => ((await (await app.request('/v1/decisions', json('POST', { dataSource: 'ledger' }, alice))).json()) as { access: string }).access;

beforeAll(async () => {
  s = await testServices();
  // A user cache far longer than the test: only forgetting the requester can make the change show.
  app = createPolicyApp(s, new DecisionService(s, { refreshMs: 40, userCacheMs: 60_000 }));
  await s.users.create({ iamid: 'bim', userid: 'alice', displayName: 'alice' });
  alice = bearer(await keyFor(s, { type: 'user', iamid: 'bim', id: 'alice' }));
  await app.request('/v1/data-sources/ledger', json('PUT', { name: 'L', platform: 'postgres', database: 'd', schema: 's', table: 't', owners: [], tags: ['Req'], columns: [] }, admin));
  await app.request('/v1/policies/by-request', json('PUT', { type: 'subscription', circumstances: [{ type: 'tags', tag: 'Req' }], actions: { type: 'approval' } }, admin));
  await pause(100);
});

describe('a decided access request', () => {
  it("changes the requester's decisions at once on the instance that decided it", async () => {
    const { id } = (await (await app.request('/v1/access-requests', json('POST', { dataSource: 'ledger' }, alice))).json()) as { id: string };
    expect(await access()).toBe('denied');
    expect((await app.request(`/v1/access-requests/${id}/approve`, json('POST', {}, admin))).status).toBe(200);
    expect(await access()).toBe('granted');
  });
});
