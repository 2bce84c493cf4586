import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE_NAMES } from '#shared/store/tables.ts';
import type { Services } from '#shared/services.ts';
import { bearer, json } from '../../support/services.ts';
import { keyFor, seededPolicyApp } from '../../support/policy.ts';

let s: Services;
let app: Awaited<ReturnType<typeof seededPolicyApp>>['app'];
let admin: Record<string, string>;

interface Change {
  user: { userid: string };
  dataSource: string;
  before: { access: string; discoverable: boolean; maskedColumns?: string[] };
  after: { access: string; discoverable: boolean; maskedColumns?: string[] };
}
interface Simulation {
  changes: Change[];
  changesOmitted: number;
  summary: Record<string, number>;
}

async function everything(): Promise<string[]> {
  const out: string[] = [];
  for (const t of TABLE_NAMES) {
    const res = await s.db.doc.send(new ScanCommand({ TableName: s.db.tables[t] }));
    out.push(...(res.Items ?? []).map((i) => `${t}:${JSON.stringify(i)}`));
  }
  return out.sort();
}

async function simulate(body: unknown): Promise<Simulation> {
  const res = await app.request('/v1/simulations', json('POST', body, admin));
  expect(res.status).toBe(200);
  return (await res.json()) as Simulation;
}

beforeAll(async () => {
  const ctx = await seededPolicyApp();
  s = ctx.services;
  app = ctx.app;
  admin = bearer(ctx.adminKey);
});

describe('simulations', () => {
  it('shows who gains access when the Legal requirement is removed, and writes nothing', async () => {
    const before = await everything();
    const sim = await simulate({ remove: ['legal-team'] });
    expect(await everything()).toEqual(before);
    const gained = sim.changes.filter((c) => c.before.access === 'denied' && c.after.access === 'granted').map((c) => `${c.user.userid}@${c.dataSource}`);
    expect(gained.sort()).toEqual(['smwilliams@example.com@hr_data', 'smwilliams@example.com@patients']);
    expect(sim.summary).toMatchObject({ gained: 2, lost: 0 });
    expect(sim.summary.usersEvaluated).toBeGreaterThanOrEqual(5);
    expect(sim.summary.dataSourcesEvaluated).toBe(3);
  });

  it('restricts to the given users and sources, and reports lost access and mask changes', async () => {
    const countryUs = {
      policyKey: 'country-access',
      type: 'subscription',
      circumstances: [{ type: 'tags', tag: 'Strictly Confidential' }],
      actions: { type: 'entitlements', entitlements: { attributes: [{ name: 'Country', value: 'US' }] }, merge: 'alwaysRequired' },
    };
    const sim = await simulate({ upsert: [countryUs], users: [{ userid: 'jdoe', iamid: 'okta' }, { userid: 'bob', iamid: 'okta' }], dataSources: ['hr_data'] });
    expect(sim.changes.map((c) => [c.user.userid, c.dataSource, c.after.access])).toEqual([['jdoe', 'hr_data', 'denied']]);
    expect(sim.summary).toMatchObject({ lost: 1, usersEvaluated: 2, dataSourcesEvaluated: 1 });

    const maskAll = { policyKey: 'mask-pii', type: 'data', rules: [{ type: 'masking', fields: [{ type: 'columnTags', tag: 'Discovered.SSN' }], masking: { type: 'hash' } }] };
    const masks = await simulate({ upsert: [maskAll], users: [{ userid: 'jdoe', iamid: 'okta' }] });
    expect(masks.summary.masksChanged).toBeGreaterThanOrEqual(1);
    expect(masks.changes.find((c) => c.dataSource === 'hr_data')!.after.maskedColumns).toContain('ssn');
  });

  it('lists at most `limit` changes, in source then user order, and counts every one', async () => {
    const all = await simulate({ remove: ['legal-team'] });
    expect(all.changes.length).toBeGreaterThan(3);
    expect(all.changesOmitted).toBe(0);
    const order = all.changes.map((c) => `${c.dataSource}\u0000${c.user.userid}`);
    expect(order).toEqual([...order].sort());
    for (const limit of [0, 1, 3]) {
      const some = await simulate({ remove: ['legal-team'], limit });
      expect(some.changes).toEqual(all.changes.slice(0, limit));
      expect(some.changesOmitted).toBe(all.changes.length - limit);
      expect(some.summary).toEqual(all.summary);
    }
    const enough = await simulate({ remove: ['legal-team'], limit: all.changes.length });
    expect(enough).toEqual(all);
  });

  it('refuses a bad `limit` with a 400 problem and changes nothing but the audit of the refusal', async () => {
    const state = async () => (await everything()).filter((item) => !item.startsWith('audit:'));
    const before = await state();
    for (const limit of [-1, 1.5, '10', null, 20_001, 1e9]) {
      const res = await app.request('/v1/simulations', json('POST', { remove: ['legal-team'], limit }, admin));
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(((await res.json()) as { detail: string }).detail).toContain('limit');
    }
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.integer({ min: -1e6, max: -1 }), fc.integer({ min: 20_001 }), fc.double({ noInteger: true }), fc.string(), fc.boolean()), async (limit) => {
        expect((await app.request('/v1/simulations', json('POST', { limit }, admin))).status).toBe(400);
      }),
      { numRuns: 40 },
    );
    expect(await state()).toEqual(before);
  });

  it('answers 400 for an invalid document, 404 for an unknown user or removed policy, 403 without GOVERNANCE', async () => {
    const bad = await app.request('/v1/simulations', json('POST', { upsert: [{ policyKey: 'x', type: 'subscription', actions: { type: 'nope' } }] }, admin));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { detail: string }).detail).toContain('`upsert[0]`');
    expect((await app.request('/v1/simulations', json('POST', { remove: ['ghost'] }, admin))).status).toBe(404);
    expect((await app.request('/v1/simulations', json('POST', { users: [{ userid: 'ghost' }] }, admin))).status).toBe(404);
    const engine = bearer(await keyFor(s, { type: 'service', id: 'trino' }, ['QUERY_ENGINE']));
    expect((await app.request('/v1/simulations', json('POST', {}, engine))).status).toBe(403);
  });
});

describe('simulations of a change set', () => {
  const hr = async (): Promise<Record<string, unknown>> => {
    const { id: _i, version: _v, createdAt: _c, updatedAt: _u, ...input } = (await (await app.request('/v1/data-sources/hr_data', { headers: admin })).json()) as Record<string, unknown>;
    return { id: 'hr_data', ...input };
  };

  it('simulates a data source change (a policy disabled on it) with policy changes, all at once', async () => {
    const disabled = await simulate({ upsertDataSources: [{ ...(await hr()), disabledPolicies: ['legal-team'] }] });
    const access = disabled.changes.filter((c) => c.before.access !== c.after.access);
    expect(access.map((c) => `${c.user.userid}@${c.dataSource}:${c.after.access}`)).toEqual(['smwilliams@example.com@hr_data:granted']);
    // `legal-team` let those it refuses discover the source; disabled, it no longer does.
    expect(disabled.changes.filter((c) => c.before.discoverable && !c.after.discoverable).map((c) => c.user.userid).sort()).toEqual(['edixon@example.com', 'steve']);

    const contractorsToo = { policyKey: 'employees-only', type: 'subscription', circumstances: [{ type: 'tags', tag: 'Strictly Confidential' }], actions: { type: 'anyone', merge: 'alwaysRequired' } };
    const both = await simulate({ upsert: [contractorsToo], upsertDataSources: [{ ...(await hr()), disabledPolicies: ['legal-team'] }] });
    const gained = both.changes.filter((c) => c.after.access === 'granted').map((c) => `${c.user.userid}@${c.dataSource}`);
    expect(gained.sort()).toEqual(['smwilliams@example.com@hr_data', 'steve@hr_data']);
  });

  it('names, per user and source, the columns whose action changed', async () => {
    const noException = { policyKey: 'mask-pii', type: 'data', rules: [{ type: 'masking', fields: [{ type: 'columnTags', tag: 'Discovered.SSN' }], masking: { type: 'hash' } }] };
    const sim = await simulate({ upsert: [noException], users: [{ iamid: 'okta', userid: 'jdoe' }], dataSources: ['hr_data'] });
    expect(sim.changes).toHaveLength(1);
    expect((sim.changes[0] as Change & { columns: unknown }).columns).toEqual([{ name: 'ssn', before: 'clear', after: 'mask' }]);
  });

  it('refuses a source named twice and an unknown removed source', async () => {
    const source = await hr();
    const twice = await app.request('/v1/simulations', json('POST', { upsertDataSources: [source, source] }, admin));
    expect(twice.status).toBe(400);
    expect(((await twice.json()) as { detail: string }).detail).toBe('`upsertDataSources`: data source `hr_data` appears twice');
    expect((await app.request('/v1/simulations', json('POST', { removeDataSources: ['ghost'] }, admin))).status).toBe(404);
  });

  it('never answers 5xx to random data source changes', async () => {
    const source = fc.record(
      {
        id: fc.oneof(fc.constantFrom('hr_data', 'new'), fc.string()),
        name: fc.string(),
        platform: fc.oneof(fc.constantFrom('postgres', 'trino'), fc.string()),
        database: fc.string(),
        schema: fc.string(),
        table: fc.string(),
        tags: fc.array(fc.string()),
        columns: fc.array(fc.record({ name: fc.string(), type: fc.string(), tags: fc.array(fc.string()) }, { requiredKeys: ['name'] })),
        disabledPolicies: fc.array(fc.oneof(fc.constant('legal-team'), fc.string())),
      },
      { requiredKeys: ['id'] },
    );
    const body = fc.record({ upsertDataSources: fc.array(fc.oneof(source, fc.jsonValue()), { maxLength: 3 }), removeDataSources: fc.array(fc.oneof(fc.constant('sales'), fc.string()), { maxLength: 2 }) }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const res = await app.request('/v1/simulations', json('POST', b, admin));
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 60 },
    );
  });
});
