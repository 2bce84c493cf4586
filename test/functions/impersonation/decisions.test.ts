import { beforeAll, describe, expect, it } from 'vitest';
import type { createImpersonationApp } from '#functions/impersonation/app.ts';
import { POSITIVE_CACHE_MS } from '#shared/impersonation/verifier.ts';
import type { Decision } from '#shared/model/decision.ts';
import type { DecidingServices } from '#shared/services.ts';
import { keyFor, pause, seededPolicyApp } from '../../support/policy.ts';
import { ADMIN_KEY, auditRecords, bearer, json } from '../../support/services.ts';
import { impersonationApp, putSession, type SessionAnswer } from './support.ts';

let s: DecidingServices;
let policy: Awaited<ReturnType<typeof seededPolicyApp>>['app'];
let impersonation: ReturnType<typeof createImpersonationApp>;
let biKey: string;

beforeAll(async () => {
  const ctx = await seededPolicyApp();
  s = ctx.services;
  policy = ctx.app;
  // The BI tool may ask about anyone on its own key, and impersonate because it is allow-listed.
  impersonation = impersonationApp(s, { get now() { return Date.now(); } }, { userMappingIamid: 'okta' });
  biKey = await keyFor(s, { type: 'service', id: 'bi-tool' }, ['QUERY_ENGINE']);
  const settings = json('PUT', { allowedImpersonators: [{ type: 'service', id: 'bi-tool' }], userMappingIamid: 'okta' }, bearer(ADMIN_KEY));
  expect((await impersonation.request('/v1/settings/impersonation', settings)).status).toBe(200);
});

async function decide(credential: string, body: unknown): Promise<{ status: number; decision: Decision }> {
  const res = await policy.request('/v1/decisions', json('POST', body, bearer(credential)));
  return { status: res.status, decision: (await res.json()) as Decision };
}

async function tokenFor(sessionId: string, userid: string): Promise<string> {
  const res = await putSession(impersonation, biKey, sessionId, { userid });
  expect(res.status).toBe(200);
  return ((await res.json()) as SessionAnswer).token;
}

describe('decisions under impersonation (policy app, POST /v1/decisions)', () => {
  it('gives the impersonated user exactly their own decision: the masked SSN of seed 001', async () => {
    const token = await tokenFor('dec-bob', 'bob');
    const asBob = await decide(token, { dataSource: 'hr_data', dialect: 'databricks' });
    const ownDecision = await decide(biKey, { user: { userid: 'bob', iamid: 'okta' }, dataSource: 'hr_data', dialect: 'databricks' });
    expect(asBob.status).toBe(200);
    expect(asBob.decision.columns.find((c) => c.name === 'ssn')).toMatchObject({ action: 'mask', masking: { type: 'hash' } });
    expect({ ...asBob.decision, impersonatedBy: null }).toEqual(ownDecision.decision);
    expect(asBob.decision.impersonatedBy).toEqual({ type: 'service', id: 'bi-tool' });
    const lawyer = await decide(await tokenFor('dec-jdoe', 'jdoe'), { dataSource: 'hr_data', dialect: 'databricks' });
    expect(lawyer.decision.columns.find((c) => c.name === 'ssn')).toMatchObject({ action: 'clear' });
  });

  it('audits the decision with userId = target and impersonationUser = impersonator', async () => {
    await decide(await tokenFor('dec-audit', 'bob'), { dataSource: 'sales' });
    const record = (await auditRecords(s)).find((r) => r.action === 'DECISION' && r.sessionId === 'dec-audit');
    expect(record).toMatchObject({ userId: 'okta/bob', impersonationUser: 'service:bi-tool', targets: ['sales'] });
  });

  it('carries none of the impersonator\'s permissions: asking about another user is 403', async () => {
    const token = await tokenFor('dec-other', 'bob');
    expect((await decide(token, { user: { userid: 'jdoe', iamid: 'okta' }, dataSource: 'hr_data' })).status).toBe(403);
    expect((await decide(biKey, { user: { userid: 'jdoe', iamid: 'okta' }, dataSource: 'hr_data' })).status).toBe(200);
  });

  it('answers 401 on decisions within a second of the session being deleted (the verifier caches a positive check ≤ 1 s)', async () => {
    const token = await tokenFor('dec-end', 'bob');
    expect((await decide(token, { dataSource: 'hr_data' })).status).toBe(200);
    expect((await impersonation.request('/v1/impersonation/sessions/dec-end', { method: 'DELETE', headers: bearer(biKey) })).status).toBe(204);
    await pause(POSITIVE_CACHE_MS + 20);
    expect((await decide(token, { dataSource: 'hr_data' })).status).toBe(401);
  });

  it('refuses the token on policy administration with 403', async () => {
    const token = await tokenFor('dec-admin', 'jdoe');
    expect((await policy.request('/v1/policies', { headers: bearer(token) })).status).toBe(403);
  });
});
