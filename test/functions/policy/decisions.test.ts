import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Decision } from '#shared/model/decision.ts';
import type { Services } from '#shared/services.ts';
import { auditRecords, bearer, json } from '../../support/services.ts';
import { keyFor, pause, seededPolicyApp } from '../../support/policy.ts';
import { answerRawCalls } from '../../support/raw-wire.ts';

let s: Services;
let app: Awaited<ReturnType<typeof seededPolicyApp>>['app'];
let admin: string;
let engine: string;

beforeAll(async () => {
  const ctx = await seededPolicyApp();
  s = ctx.services;
  app = ctx.app;
  admin = ctx.adminKey;
  engine = await keyFor(s, { type: 'service', id: 'trino' }, ['QUERY_ENGINE']);
});

async function decide(body: unknown, key = engine): Promise<{ status: number; decision: Decision }> {
  const res = await app.request('/v1/decisions', json('POST', body, bearer(key)));
  return { status: res.status, decision: (await res.json()) as Decision };
}

const okta = (userid: string) => ({ userid, iamid: 'okta' });

describe('decisions over the seed catalog', () => {
  it('grants a French HR lawyer hr_data with every policy explained, and shows her the clear SSN', async () => {
    const { status, decision } = await decide({ user: okta('jdoe'), dataSource: 'hr_data' });
    expect(status).toBe(200);
    expect(decision.access).toBe('granted');
    expect(decision.impersonatedBy).toBeNull();
    expect(decision.subscription.map((v) => [v.policyKey, v.merge, v.satisfied])).toEqual([
      ['country-access', 'alwaysRequired', true],
      ['employees-only', 'alwaysRequired', true],
      ['legal-team', 'shareResponsibility', true],
    ]);
    expect(decision.subscription.find((v) => v.policyKey === 'country-access')!.explanation).toContain('France');
    expect(decision.columns.find((col) => col.name === 'ssn')).toMatchObject({ action: 'clear' });
    expect(decision.query).toMatch(/^SELECT .* FROM "warden"\."hr"\."employees"$/);
  });

  it('masks the SSN with a hash for a lawyer outside HR', async () => {
    const { decision } = await decide({ user: okta('bob'), dataSource: 'hr_data', dialect: 'postgres' });
    expect(decision.access).toBe('granted');
    const ssn = decision.columns.find((col) => col.name === 'ssn')!;
    expect(ssn).toMatchObject({ action: 'mask', masking: { type: 'hash' }, policyKey: 'mask-pii' });
    expect(decision.query).toContain(ssn.expression);
  });

  it('denies an analyst who is not in Legal (share responsibility unmet) but lets him discover the source', async () => {
    const { decision } = await decide({ user: okta('smwilliams@example.com'), dataSource: 'hr_data' });
    expect(decision.access).toBe('denied');
    expect(decision.discoverable).toBe(true);
    expect(decision.subscription.find((v) => v.policyKey === 'legal-team')!.satisfied).toBe(false);
    expect(decision.subscription.find((v) => v.policyKey === 'country-access')!.satisfied).toBe(true);
    expect(decision.query).toBeUndefined();
    expect(decision.columns).toEqual([]);
  });

  it('denies a contractor through NOT @isInGroups, even on a child tag of Strictly Confidential', async () => {
    for (const dataSource of ['hr_data', 'patients']) {
      const { decision } = await decide({ user: okta('steve'), dataSource });
      expect(decision.access).toBe('denied');
      expect(decision.subscription.find((v) => v.policyKey === 'employees-only')!.satisfied).toBe(false);
    }
    const { decision } = await decide({ user: okta('jdoe'), dataSource: 'patients', dialect: 'snowflake' });
    expect(decision.access).toBe('granted');
    expect(decision.query).toContain('"CLINIC"."PUBLIC"."PATIENTS"');
  });

  it('filters sales rows by the user region, except for executives', async () => {
    const sam = (await decide({ user: okta('smwilliams@example.com'), dataSource: 'sales', dialect: 'trino' })).decision;
    expect(sam.access).toBe('granted');
    expect(sam.rowFilter.policyKeys).toEqual(['sales-region-filter']);
    expect(sam.rowFilter.expression).toContain("'Ohio'");
    expect(sam.rowFilter.expression).toContain("'Michigan'");
    const bob = (await decide({ user: okta('bob'), dataSource: 'sales' })).decision;
    expect(bob.rowFilter).toEqual({ expression: null, policyKeys: [] });
  });

  it('takes the caller as the user when no user is named', async () => {
    const jdoeKey = await keyFor(s, { type: 'user', iamid: 'okta', id: 'jdoe' });
    const { status, decision } = await decide({ dataSource: 'hr_data' }, jdoeKey);
    expect(status).toBe(200);
    expect(decision.user).toEqual({ iamid: 'okta', userid: 'jdoe' });
    const other = await app.request('/v1/decisions', json('POST', { user: okta('bob'), dataSource: 'hr_data' }, bearer(jdoeKey)));
    expect(other.status).toBe(403);
    const service = await app.request('/v1/decisions', json('POST', { dataSource: 'hr_data' }, bearer(engine)));
    expect(service.status).toBe(400);
  });

  it('answers 404 for an unknown source or user, and 400 for an unknown dialect', async () => {
    expect((await decide({ user: okta('jdoe'), dataSource: 'nope' })).status).toBe(404);
    expect((await decide({ user: okta('ghost'), dataSource: 'hr_data' })).status).toBe(404);
    expect((await decide({ user: okta('jdoe'), dataSource: 'hr_data', dialect: 'oracle' })).status).toBe(400);
  });

  it('denies an inactive user every source', async () => {
    await s.users.create({ iamid: 'okta', userid: 'leaver', displayName: 'Leaver' });
    expect((await decide({ user: okta('leaver'), dataSource: 'sales' })).decision.access).toBe('granted');
    const profile = (await s.users.getProfile('okta', 'leaver'))!;
    await s.users.update(profile, { active: false });
    await pause(80);
    const { decision } = await decide({ user: okta('leaver'), dataSource: 'sales' });
    expect(decision.access).toBe('denied');
    expect(decision.reason).toBe('user is inactive');
  });

  it('sees a policy change and a tag change after the refresh interval', async () => {
    expect((await decide({ user: okta('smwilliams@example.com'), dataSource: 'hr_data' })).decision.access).toBe('denied');
    const put = await app.request(
      '/v1/policies/analysts-too',
      json('PUT', { type: 'subscription', circumstances: [{ type: 'tags', tag: 'Strictly Confidential' }], actions: { type: 'entitlements', entitlements: { groups: ['Analysts'] } } }, bearer(admin)),
    );
    expect(put.status).toBe(201);
    await pause(80);
    expect((await decide({ user: okta('smwilliams@example.com'), dataSource: 'hr_data' })).decision.access).toBe('granted');
    expect((await app.request('/v1/policies/analysts-too', { method: 'DELETE', headers: bearer(admin) })).status).toBe(204);

    const source = (await (await app.request('/v1/data-sources/sales', { headers: bearer(admin) })).json()) as Record<string, unknown>;
    const { id: _id, version: _v, createdAt: _c, updatedAt: _u, ...input } = source;
    const retag = await app.request('/v1/data-sources/sales', json('PUT', { ...input, tags: ['Strictly Confidential.Sales'] }, bearer(admin)));
    expect(retag.status).toBe(200);
    await pause(80);
    const steve = (await decide({ user: okta('steve'), dataSource: 'sales' })).decision;
    expect(steve.access).toBe('denied');
    expect(steve.subscription.map((v) => v.policyKey)).toContain('employees-only');
    await app.request('/v1/data-sources/sales', json('PUT', input, bearer(admin)));
  });

  it('decides a batch, once per distinct source, and fails it whole on an unknown source', async () => {
    const res = await app.request('/v1/decisions/batch', json('POST', { user: okta('bob'), dataSources: ['hr_data', 'sales', 'patients', 'sales'] }, bearer(engine)));
    expect(res.status).toBe(200);
    const { decisions } = (await res.json()) as { decisions: Decision[] };
    expect(decisions.map((d) => [d.dataSource, d.access])).toEqual([
      ['hr_data', 'granted'],
      ['sales', 'granted'],
      ['patients', 'granted'],
    ]);
    const bad = await app.request('/v1/decisions/batch', json('POST', { user: okta('bob'), dataSources: ['hr_data', 'missing'] }, bearer(engine)));
    expect(bad.status).toBe(404);
    const tooMany = await app.request('/v1/decisions/batch', json('POST', { user: okta('bob'), dataSources: Array.from({ length: 1001 }, (_, i) => `s${i}`) }, bearer(engine)));
    expect(tooMany.status).toBe(400);
  });

  it('audits every decision with the user decided about and the asking service', async () => {
    await decide({ user: okta('steve'), dataSource: 'patients' });
    const records = await auditRecords(s);
    const mine = records.filter((r) => r.action === 'DECISION' && r.userId === 'okta/steve' && (r.targets as string[])[0] === 'patients');
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.at(-1)).toMatchObject({ actor: { type: 'service', id: 'trino' }, targetType: 'dataSource', payload: { access: 'denied' } });
  });

  it('audits a batch as one record naming every decision in order, stored before the answer', async () => {
    const res = await app.request('/v1/decisions/batch', json('POST', { user: okta('steve'), dataSources: ['patients', 'hr_data', 'sales'] }, bearer(engine)));
    const { decisions } = (await res.json()) as { decisions: Decision[] };
    const mine = (await auditRecords(s)).filter((r) => r.requestId === res.headers.get('x-request-id'));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ action: 'DECISION', actor: { type: 'service', id: 'trino' }, userId: 'okta/steve', targetType: 'dataSources', targets: ['patients', 'hr_data', 'sales'] });
    const audited = (mine[0]!.payload as { decisions: Array<{ dataSource: string; access: string; satisfied?: string[]; unsatisfied?: string[] }> }).decisions;
    expect(audited.map((d) => [d.dataSource, d.access])).toEqual(decisions.map((d) => [d.dataSource, d.access]));
    const held = (d: Decision, satisfied: boolean) => d.subscription.filter((v) => v.satisfied === satisfied).map((v) => v.policyKey);
    expect(audited.map((a) => [a.satisfied ?? [], a.unsatisfied ?? []])).toEqual(decisions.map((d) => [held(d, true), held(d, false)]));
  });

  it('answers no decision, single or batch, whose audit record could not be stored', async () => {
    // What DynamoDB answers a throttled table, to every try of the audit's writes.
    const restore = answerRawCalls(s.db, () => ({ status: 400, body: { __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException', message: 'throttled' } }));
    try {
      const single = await app.request('/v1/decisions', json('POST', { user: okta('jdoe'), dataSource: 'hr_data' }, bearer(engine)));
      const batch = await app.request('/v1/decisions/batch', json('POST', { user: okta('jdoe'), dataSources: ['hr_data', 'sales'] }, bearer(engine)));
      for (const res of [single, batch]) {
        expect(res.status).toBe(503);
        expect(await res.json()).not.toHaveProperty('access');
      }
    } finally {
      restore();
    }
    expect((await decide({ user: okta('jdoe'), dataSource: 'hr_data' })).status).toBe(200);
  });

  it('refuses decisions without credentials', async () => {
    const res = await app.request('/v1/decisions', json('POST', { user: okta('jdoe'), dataSource: 'hr_data' }));
    expect(res.status).toBe(401);
  });

  it('never answers 5xx to random decision bodies, and never changes catalog, policies or users', async () => {
    const state = async () => {
      const out: unknown[] = [];
      for (const table of [s.db.tables.catalog, s.db.tables.policies, s.db.tables.identities]) {
        out.push(((await s.db.doc.send(new ScanCommand({ TableName: table }))).Items ?? []).map((i) => JSON.stringify(i)).sort());
      }
      return out;
    };
    const before = await state();
    const body = fc.oneof(
      fc.string(),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc
        .record(
          {
            user: fc.oneof(fc.record({ userid: fc.oneof(fc.constantFrom('jdoe', 'bob', 'steve'), fc.string()), iamid: fc.oneof(fc.constant('okta'), fc.string()) }, { requiredKeys: ['userid'] }), fc.jsonValue()),
            dataSource: fc.oneof(fc.constantFrom('hr_data', 'sales', 'patients'), fc.string(), fc.jsonValue()),
            dialect: fc.oneof(fc.constantFrom('postgres', 'trino', 'snowflake', 'databricks'), fc.string()),
          },
          { requiredKeys: [] },
        )
        .map((v) => JSON.stringify(v)),
    );
    await fc.assert(
      fc.asyncProperty(body, fc.boolean(), async (text, batch) => {
        const path = batch ? '/v1/decisions/batch' : '/v1/decisions';
        const res = await app.request(path, { method: 'POST', headers: { ...bearer(engine), 'content-type': 'application/json' }, body: text });
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
    expect(await state()).toEqual(before);
  });
});
