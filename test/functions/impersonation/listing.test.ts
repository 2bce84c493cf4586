import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createUserinfoApp } from '#functions/userinfo/app.ts';
import type { DecidingServices } from '#shared/services.ts';
import { ADMIN_KEY, auditRecords, bearer, json } from '../../support/services.ts';
import { apiKeyFor, impersonationApp, impersonationServices, putSession, user, type SessionAnswer } from './support.ts';

interface Listed {
  sessions: Array<{ sessionId: string; user: { iamid: string; userid: string }; impersonator: { type: string; id: string; iamid?: string } }>;
  nextCursor: string | null;
}

let s: DecidingServices;
let app: ReturnType<typeof impersonationApp>;
let userinfo: ReturnType<typeof createUserinfoApp>;
let biKey: string;
let lookerKey: string;
let holderKey: string;
let idleKey: string;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  let clock;
  ({ services: s, clock } = await impersonationServices());
  app = impersonationApp(s, clock, { userMappingIamid: 'okta' });
  userinfo = createUserinfoApp(s);
  for (const id of ['ann', 'bob']) await user(s, 'okta', id);
  await user(s, 'bim', 'holder', ['IMPERSONATE_USER']);
  biKey = await apiKeyFor(s, { type: 'service', id: 'bi-tool' });
  lookerKey = await apiKeyFor(s, { type: 'service', id: 'looker' });
  holderKey = await apiKeyFor(s, { type: 'user', iamid: 'bim', id: 'holder' });
  idleKey = await apiKeyFor(s, { type: 'service', id: 'idle' });
  const settings = { allowedImpersonators: [{ type: 'service', id: 'bi-tool' }, { type: 'service', id: 'looker' }], userMappingIamid: 'okta' };
  expect((await app.request('/v1/settings/impersonation', json('PUT', settings, bearer(ADMIN_KEY)))).status).toBe(200);
  const mint = async (key: string, name: string, sid: string, userid: string) => {
    const res = await putSession(app, key, sid, { userid });
    expect(res.status).toBe(200);
    tokens[`${name}/${sid}`] = ((await res.json()) as SessionAnswer).token;
  };
  for (let i = 0; i < 5; i++) await mint(biKey, 'bi-tool', `bi-${i}`, i % 2 ? 'bob' : 'ann');
  await mint(lookerKey, 'looker', 'lk-1', 'ann');
  await mint(holderKey, 'holder', 'h-1', 'bob');
  // The same id under two impersonators is two sessions.
  await mint(holderKey, 'holder', 'bi-0', 'ann');
});

const list = async (key: string, query = '') => {
  const res = await app.request(`/v1/impersonation/sessions${query}`, { headers: bearer(key) });
  return { status: res.status, body: (await res.json()) as Listed };
};
const ids = (l: Listed) => l.sessions.map((x) => `${x.impersonator.id}/${x.sessionId}`).sort();
const use = async (token: string, userid: string) => (await userinfo.request(`/userinfo?userid=${userid}&iamid=okta`, { headers: bearer(token) })).status;

/** Every page of a listing, two sessions at a time, following `nextCursor`. */
async function allPages(key: string, filter: Record<string, string>): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ ...filter, limit: '2', ...(cursor ? { cursor } : {}) });
    const page = await list(key, `?${query}`);
    expect(page.status).toBe(200);
    out.push(...ids(page.body));
    cursor = page.body.nextCursor;
  } while (cursor);
  return out.sort();
}

describe('GET /v1/impersonation/sessions', () => {
  it('shows a USER_ADMIN every live session, page by page, with no duplicate and none missing', async () => {
    expect(await allPages(ADMIN_KEY, {})).toEqual(['bi-tool/bi-0', 'bi-tool/bi-1', 'bi-tool/bi-2', 'bi-tool/bi-3', 'bi-tool/bi-4', 'holder/bi-0', 'holder/h-1', 'looker/lk-1']);
  });

  it('filters by impersonator, by target, and by both', async () => {
    expect(await allPages(ADMIN_KEY, { impersonator: 'service:bi-tool' })).toEqual(['bi-tool/bi-0', 'bi-tool/bi-1', 'bi-tool/bi-2', 'bi-tool/bi-3', 'bi-tool/bi-4']);
    expect(await allPages(ADMIN_KEY, { target: 'okta/ann' })).toEqual(['bi-tool/bi-0', 'bi-tool/bi-2', 'bi-tool/bi-4', 'holder/bi-0', 'looker/lk-1']);
    expect(await allPages(ADMIN_KEY, { impersonator: 'user:bim/holder', target: 'okta/bob' })).toEqual(['holder/h-1']);
  });

  it('shows any other caller only its own sessions, and refuses another impersonator\'s with 403', async () => {
    expect(ids((await list(holderKey)).body)).toEqual(['holder/bi-0', 'holder/h-1']);
    expect(ids((await list(lookerKey, `?target=${encodeURIComponent('okta/ann')}`)).body)).toEqual(['looker/lk-1']);
    expect((await list(holderKey, '?impersonator=service:bi-tool')).status).toBe(403);
  });

  it('answers 400 for a malformed impersonator, target, limit or cursor, and never a 5xx for any query', async () => {
    for (const q of ['?impersonator=robot:x', '?impersonator=user:okta', '?target=jdoe', '?limit=0', '?cursor=not-a-cursor', '?colour=red']) {
      expect((await list(ADMIN_KEY, q)).status, q).toBe(400);
    }
    const impersonatorPage = (await list(ADMIN_KEY, '?impersonator=service:bi-tool&limit=1')).body.nextCursor!;
    // A cursor of one listing does not continue another.
    expect((await list(ADMIN_KEY, `?cursor=${encodeURIComponent(impersonatorPage)}`)).status).toBe(400);
    expect((await list(ADMIN_KEY, `?impersonator=service:looker&cursor=${encodeURIComponent(impersonatorPage)}`)).status).toBe(400);
    const param = fc.constantFrom('impersonator', 'target', 'limit', 'cursor');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(param, fc.string({ maxLength: 80, unit: 'binary' })), { maxLength: 3 }), async (pairs) => {
        const query = new URLSearchParams(pairs).toString();
        const res = await app.request(`/v1/impersonation/sessions?${query}`, { headers: bearer(ADMIN_KEY) });
        expect(res.status).toBeLessThan(500);
        const bulk = await app.request(`/v1/impersonation/sessions?${query}`, { method: 'DELETE', headers: bearer(idleKey) });
        expect(bulk.status).toBeLessThan(500);
      }),
      { numRuns: 60 },
    );
  });
});

describe('DELETE /v1/impersonation/sessions?impersonator=…', () => {
  it('refuses without an impersonator, and refuses another impersonator\'s sessions to anyone but a USER_ADMIN', async () => {
    expect((await app.request('/v1/impersonation/sessions', { method: 'DELETE', headers: bearer(ADMIN_KEY) })).status).toBe(400);
    expect((await app.request('/v1/impersonation/sessions?impersonator=service:bi-tool', { method: 'DELETE', headers: bearer(lookerKey) })).status).toBe(403);
    expect(await use(tokens['bi-tool/bi-1']!, 'bob')).toBe(200);
  });

  it('lets an impersonator end all of its own sessions, and no one else\'s', async () => {
    const res = await app.request(`/v1/impersonation/sessions?impersonator=${encodeURIComponent('user:bim/holder')}`, { method: 'DELETE', headers: bearer(holderKey) });
    expect(await res.json()).toEqual({ ended: 2 });
    expect(await use(tokens['holder/h-1']!, 'bob')).toBe(401);
    expect(await use(tokens['holder/bi-0']!, 'ann')).toBe(401);
    expect(await use(tokens['bi-tool/bi-0']!, 'ann')).toBe(200);
  });

  it('lets a USER_ADMIN end every session of an impersonator: each end audited, every token stopped', async () => {
    const res = await app.request('/v1/impersonation/sessions?impersonator=service:bi-tool', { method: 'DELETE', headers: bearer(ADMIN_KEY) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ended: 5 });
    for (let i = 0; i < 5; i++) expect(await use(tokens[`bi-tool/bi-${i}`]!, i % 2 ? 'bob' : 'ann')).toBe(401);
    expect(await use(tokens['looker/lk-1']!, 'ann')).toBe(200);
    const ends = (await auditRecords(s)).filter((r) => r.action === 'DELETE' && r.impersonationUser === 'service:bi-tool' && (r.payload as { bulk?: boolean }).bulk);
    expect(ends.map((r) => r.sessionId).sort()).toEqual(['bi-0', 'bi-1', 'bi-2', 'bi-3', 'bi-4']);
    expect(ends[0]).toMatchObject({ actor: { type: 'bootstrap', id: 'admin' }, actionStatus: 'SUCCESS' });
    expect(ids((await list(ADMIN_KEY, '?impersonator=service:bi-tool')).body)).toEqual([]);
    expect(await (await app.request('/v1/impersonation/sessions?impersonator=service:bi-tool', { method: 'DELETE', headers: bearer(ADMIN_KEY) })).json()).toEqual({ ended: 0 });
  });
});

describe('a user impersonator deleted and created again', () => {
  it('does not see, list or end the sessions its predecessor left; an administrator still does', async () => {
    await user(s, 'bim', 'again', ['IMPERSONATE_USER']);
    const first = await apiKeyFor(s, { type: 'user', iamid: 'bim', id: 'again' });
    expect((await putSession(app, first, 'again-1', { userid: 'ann' })).status).toBe(200);
    await s.users.delete('bim', 'again');
    await user(s, 'bim', 'again', ['IMPERSONATE_USER']);
    const second = await apiKeyFor(s, { type: 'user', iamid: 'bim', id: 'again' });
    expect((await app.request('/v1/impersonation/sessions/again-1', { headers: bearer(second) })).status).toBe(404);
    expect(ids((await list(second)).body)).toEqual([]);
    expect(await (await app.request('/v1/impersonation/sessions?impersonator=user:bim/again', { method: 'DELETE', headers: bearer(second) })).json()).toEqual({ ended: 0 });
    expect(ids((await list(ADMIN_KEY, '?impersonator=user:bim/again')).body)).toEqual(['again/again-1']);
    const restarted = await putSession(app, second, 'again-1', { userid: 'bob' });
    expect(restarted.status).toBe(200);
    expect((await auditRecords(s)).filter((r) => r.sessionId === 'again-1' && r.actionStatus === 'SUCCESS').map((r) => (r.payload as { event: string }).event)).toEqual(['start', 'start']);
    expect(ids((await list(second)).body)).toEqual(['again/again-1']);
  });
});
