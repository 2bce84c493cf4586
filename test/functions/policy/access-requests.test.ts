import { beforeAll, describe, expect, it } from 'vitest';
import { createPolicyApp } from '#functions/policy/app.ts';
import { DecisionService } from '#shared/decision-service/index.ts';
import type { Decision } from '#shared/model/decision.ts';
import type { DecidingServices } from '#shared/services.ts';
import { ADMIN_KEY, auditRecords, bearer, json, testServices } from '../../support/services.ts';
import { keyFor, pause, requestParties } from '../../support/policy.ts';

let s: DecidingServices;
let app: ReturnType<typeof createPolicyApp>;
let alice: Record<string, string>, owner: Record<string, string>, stranger: Record<string, string>;
const admin = bearer(ADMIN_KEY);
const TTL = 40;

const source = (owners: string[], tags: string[]) => ({ name: 'S', platform: 'postgres', database: 'd', schema: 's', table: 't', owners, tags, columns: [] });

async function access(dataSource: string): Promise<Decision> {
  await pause(TTL * 2);
  const res = await app.request('/v1/decisions', json('POST', { dataSource }, alice));
  return (await res.json()) as Decision;
}

async function request(dataSource: string): Promise<string> {
  const res = await app.request('/v1/access-requests', json('POST', { dataSource }, alice));
  expect(res.status).toBe(201);
  const body = (await res.json()) as { id: string; state: string };
  expect(body.state).toBe('pending');
  return body.id;
}

beforeAll(async () => {
  s = await testServices();
  app = createPolicyApp(s, new DecisionService(s, { refreshMs: TTL, userCacheMs: TTL }));
  ({ alice, owner, stranger } = await requestParties(s));
  await app.request('/v1/data-sources/open', json('PUT', source(['owner1'], ['Requestable']), admin));
  await app.request('/v1/data-sources/strict', json('PUT', source(['owner1'], ['Requestable', 'Locked']), admin));
  const approval = { type: 'subscription', circumstances: [{ type: 'tags', tag: 'Requestable' }], actions: { type: 'approval' } };
  await app.request('/v1/policies/needs-approval', json('PUT', approval, admin));
  const locked = { type: 'subscription', circumstances: [{ type: 'tags', tag: 'Locked' }], actions: { type: 'entitlements', entitlements: { groups: ['Nobody'] }, allowRequests: false } };
  await app.request('/v1/policies/locked', json('PUT', locked, admin));
});

describe('access requests', () => {
  it('grants access once an owner approves, and not before', async () => {
    expect((await access('open')).access).toBe('denied');
    const id = await request('open');
    expect((await app.request(`/v1/access-requests/${id}/approve`, json('POST', {}, stranger))).status).toBe(403);
    expect((await access('open')).access).toBe('denied');
    const approved = await app.request(`/v1/access-requests/${id}/approve`, { method: 'POST', headers: owner });
    expect(approved.status).toBe(200);
    expect(await approved.json()).toMatchObject({ state: 'approved', decidedBy: 'bim/owner1' });
    const d = await access('open');
    expect(d.access).toBe('granted');
    expect(d.subscription).toEqual([{ policyKey: 'needs-approval', merge: 'shareResponsibility', satisfied: true, explanation: 'approved access request' }]);
    expect((await app.request(`/v1/access-requests/${id}/deny`, json('POST', {}, owner))).status).toBe(409);
    const audit = (await auditRecords(s)).filter((r) => r.targetType === 'accessRequest' && (r.targets as string[])[0] === id);
    expect(audit.map((r) => r.action)).toEqual(['REQUEST_ACCESS', 'APPROVE_ACCESS']);
  });

  it('keeps access denied when the request is denied', async () => {
    const id = await request('open');
    const denied = await app.request(`/v1/access-requests/${id}/deny`, json('POST', { reason: 'no' }, admin));
    expect(await denied.json()).toMatchObject({ state: 'denied' });
    expect((await (await app.request(`/v1/access-requests/${id}`, { headers: alice })).json())).toMatchObject({ state: 'denied' });
    expect((await app.request(`/v1/access-requests/${id}`, { headers: stranger })).status).toBe(403);
  });

  it('stops granting when the approval expires', async () => {
    await s.users.create({ iamid: 'bim', userid: 'bob2', displayName: 'b' });
    const bob = bearer(await keyFor(s, { type: 'user', iamid: 'bim', id: 'bob2' }));
    const res = await app.request('/v1/access-requests', json('POST', { dataSource: 'open' }, bob));
    const { id } = (await res.json()) as { id: string };
    const expiresAt = new Date(Date.now() + 1500).toISOString();
    expect((await app.request(`/v1/access-requests/${id}/approve`, json('POST', { expiresAt }, owner))).status).toBe(200);
    const ask = async () => ((await (await app.request('/v1/decisions', json('POST', { dataSource: 'open' }, bob))).json()) as Decision).access;
    await pause(TTL * 2);
    expect(await ask()).toBe('granted');
    await pause(1600);
    expect(await ask()).toBe('denied');
    const past = await app.request(`/v1/access-requests/${id}/approve`, json('POST', { expiresAt: '2001-01-01T00:00:00Z' }, owner));
    expect(past.status).toBe(400);
  });

  it('grants nothing when one policy on the source does not allow requests', async () => {
    const id = await request('strict');
    await app.request(`/v1/access-requests/${id}/approve`, json('POST', {}, owner));
    const d = await access('strict');
    expect(d.access).toBe('denied');
    expect(d.subscription.map((v) => [v.policyKey, v.satisfied])).toEqual([
      ['needs-approval', false],
      ['locked', false],
    ]);
  });

  it('lists a source\'s pending requests for its owner, and a user\'s own requests for that user', async () => {
    const id = await request('strict');
    const pending = await app.request('/v1/access-requests?dataSource=strict&state=pending', { headers: owner });
    expect(pending.status).toBe(200);
    const listed = ((await pending.json()) as { requests: Array<{ id: string; userid: string; state: string }> }).requests;
    expect(listed.map((r) => r.id)).toContain(id);
    expect(listed.every((r) => r.state === 'pending')).toBe(true);
    expect((await app.request('/v1/access-requests?dataSource=strict', { headers: stranger })).status).toBe(403);
    expect((await app.request('/v1/access-requests?dataSource=ghost', { headers: admin })).status).toBe(404);
    expect((await app.request('/v1/access-requests?state=maybe', { headers: alice })).status).toBe(400);
    const mine = ((await (await app.request('/v1/access-requests', { headers: alice })).json()) as { requests: Array<{ userid: string }> }).requests;
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((r) => r.userid === 'alice')).toBe(true);
    expect(((await (await app.request('/v1/access-requests', { headers: stranger })).json()) as { requests: unknown[] }).requests).toEqual([]);
    expect((await app.request('/v1/access-requests', { headers: admin })).status).toBe(400);
  });

  it('refuses requests from services and for unknown sources', async () => {
    expect((await app.request('/v1/access-requests', json('POST', { dataSource: 'open' }, admin))).status).toBe(403);
    expect((await app.request('/v1/access-requests', json('POST', { dataSource: 'missing' }, alice))).status).toBe(404);
    expect((await app.request('/v1/access-requests/nope/approve', json('POST', {}, admin))).status).toBe(404);
  });
});
