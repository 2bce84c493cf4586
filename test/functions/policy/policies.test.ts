import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createPolicyApp } from '#functions/policy/app.ts';
import type { DecidingServices } from '#shared/services.ts';
import { ADMIN_KEY, auditRecords, bearer, json, testServices } from '../../support/services.ts';

let s: DecidingServices;
let app: ReturnType<typeof createPolicyApp>;
const admin = bearer(ADMIN_KEY);

const subscription = { type: 'subscription', actions: { type: 'entitlements', entitlements: { groups: ['Legal'] } }, circumstances: [{ type: 'tags', tag: 'PII' }] };

async function tableItems(table: string): Promise<string[]> {
  const res = await s.db.doc.send(new ScanCommand({ TableName: table }));
  return (res.Items ?? []).map((i) => JSON.stringify(i)).sort();
}

const stateOf = async () => [await tableItems(s.db.tables.policies), await tableItems(s.db.tables.catalog)];

beforeAll(async () => {
  s = await testServices();
  app = createPolicyApp(s);
  await app.request(
    '/v1/data-sources/people',
    json('PUT', { name: 'People', platform: 'postgres', database: 'd', schema: 's', table: 'p', tags: ['PII'], columns: [{ name: 'salary', type: 'numeric' }, { name: 'ssn', type: 'varchar', tags: ['Discovered.SSN'] }] }, admin),
  );
});

describe('policies', () => {
  it('stores a JSON document under the path key, then replaces it keeping createdAt', async () => {
    const created = await app.request('/v1/policies/legal', json('PUT', subscription, admin));
    expect(created.status).toBe(201);
    const first = (await created.json()) as { policyKey: string; version: number; createdAt: string; actions: { merge: string } };
    expect(first).toMatchObject({ policyKey: 'legal', version: 1, actions: { merge: 'shareResponsibility' } });
    const read = (await (await app.request('/v1/policies/legal', { headers: admin })).json()) as Record<string, unknown>;
    const again = await app.request('/v1/policies/legal', json('PUT', { ...read, staged: true }, admin));
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ version: 2, staged: true, createdAt: first.createdAt });
    const list = (await (await app.request('/v1/policies', { headers: admin })).json()) as { policies: Array<{ policyKey: string }> };
    expect(list.policies.map((p) => p.policyKey)).toContain('legal');
    const audit = (await auditRecords(s)).filter((r) => r.targetType === 'policy' && (r.targets as string[])[0] === 'legal');
    expect(audit.map((r) => r.action)).toEqual(['CREATE', 'UPDATE']);
  });

  it('accepts YAML with Content-Type application/yaml', async () => {
    const yaml = [
      'policyKey: mask-ssn',
      'type: data',
      'rules:',
      '  - type: masking',
      '    fields: [{type: columnTags, tag: Discovered.SSN}]',
      '    masking: {type: hash}',
      '    exceptions: {groups: [HR]}',
    ].join('\n');
    const res = await app.request('/v1/policies/mask-ssn', { method: 'PUT', headers: { ...admin, 'content-type': 'application/yaml' }, body: yaml });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ policyKey: 'mask-ssn', type: 'data', rules: [{ masking: { type: 'hash' } }] });
  });

  it('says a YAML body sent without its content type looks like YAML and which type to send, and stores nothing', async () => {
    const yaml = 'policyKey: as-yaml\ntype: subscription\nactions:\n  type: anyone\n';
    const detail = async (body: string, headers: Record<string, string> = {}): Promise<string> => {
      const res = await app.request('/v1/policies/as-yaml', { method: 'PUT', headers: { ...admin, ...headers }, body });
      expect(res.status).toBe(400);
      return ((await res.json()) as { detail: string }).detail;
    };
    const hint = 'malformed JSON: the body looks like YAML: send it with `Content-Type: application/yaml`';
    expect(await detail(yaml)).toBe(hint);
    expect(await detail(yaml, { 'content-type': 'application/json' })).toBe(hint);
    expect(await detail('- policyKey: as-yaml\n')).toBe(hint);
    // Not JSON and not a YAML collection either: the JSON parser's own reason.
    expect(await detail('{"policyKey":')).toMatch(/^malformed JSON: (?!the body looks like YAML)/);
    expect(await detail('just words')).toMatch(/^malformed JSON: (?!the body looks like YAML)/);
    expect((await app.request('/v1/policies/as-yaml', { headers: admin })).status).toBe(404);
  });

  it('answers 400 naming the field, for schema, condition, key and catalog problems', async () => {
    const cases: Array<[string, unknown, string]> = [
      ['a', { ...subscription, actions: { type: 'entitlements' } }, '`actions.entitlements`'],
      ['a', { ...subscription, actions: { type: 'entitlements', entitlements: { advanced: "@isInGroups('x' AND" } } }, '`actions.entitlements.advanced`'],
      ['a', { ...subscription, colour: 'red' }, 'colour'],
      ['a', { ...subscription, policyKey: 'b' }, '`policyKey`'],
      ['a', { ...subscription, type: 'acl' }, '`type`'],
      ['a', { type: 'data', rules: [{ type: 'masking', fields: [{ type: 'columnNames', names: ['salary'] }], masking: { type: 'showLast', count: 2 } }] }, '`rules[0].masking`'],
      ['a', { type: 'data', rules: [{ type: 'rowFilterByPredicate', predicate: '@nope(1)' }] }, '`rules[0].predicate`'],
    ];
    for (const [key, body, field] of cases) {
      const res = await app.request(`/v1/policies/${key}`, json('PUT', body, admin));
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { detail: string }).detail).toContain(field);
    }
    const yaml = await app.request('/v1/policies/a', { method: 'PUT', headers: { ...admin, 'content-type': 'application/yaml' }, body: 'type: [' });
    expect(yaml.status).toBe(400);
    expect((await app.request('/v1/policies/a', { headers: admin })).status).toBe(404);
  });

  it('answers a dry run with the simulation and saves nothing', async () => {
    const before = await stateOf();
    const res = await app.request('/v1/policies/legal?dryRun=true', json('PUT', { ...subscription, staged: false }, admin));
    expect(res.status).toBe(200);
    expect(await res.json()).toHaveProperty('summary.usersEvaluated');
    expect(await stateOf()).toEqual(before);
  });

  it('honours If-Match: a stale or absent version is 412 and changes nothing', async () => {
    const first = await app.request('/v1/policies/pipeline', json('PUT', subscription, admin));
    expect(first.headers.get('etag')).toBe('W/"1"');
    const get = await app.request('/v1/policies/pipeline', { headers: admin });
    expect(get.headers.get('etag')).toBe('W/"1"');
    const next = await app.request('/v1/policies/pipeline', json('PUT', { ...subscription, staged: true }, { ...admin, 'if-match': 'W/"1"' }));
    expect(next.status).toBe(200);
    expect(next.headers.get('etag')).toBe('W/"2"');
    const before = await stateOf();
    const stale = await app.request('/v1/policies/pipeline', json('PUT', subscription, { ...admin, 'if-match': 'W/"1"' }));
    expect(stale.status).toBe(412);
    expect(((await stale.json()) as { detail: string }).detail).toContain('version 2');
    expect((await app.request('/v1/policies/nobody-yet', json('PUT', subscription, { ...admin, 'if-match': '*' }))).status).toBe(412);
    expect((await app.request('/v1/policies/pipeline', json('PUT', subscription, { ...admin, 'if-match': 'yesterday' }))).status).toBe(400);
    expect(await stateOf()).toEqual(before);
  });

  it('honours If-Match on data sources too', async () => {
    const body = { name: 'E', platform: 'postgres', database: 'd', schema: 's', table: 'e', tags: [], columns: [] };
    const created = await app.request('/v1/data-sources/etagged', json('PUT', body, admin));
    expect(created.headers.get('etag')).toBe('W/"1"');
    expect((await app.request('/v1/data-sources/etagged', json('PUT', { ...body, name: 'F' }, { ...admin, 'if-match': 'W/"1"' }))).status).toBe(200);
    const stale = await app.request('/v1/data-sources/etagged', json('PUT', { ...body, name: 'G' }, { ...admin, 'if-match': 'W/"1"' }));
    expect(stale.status).toBe(412);
    expect(((await (await app.request('/v1/data-sources/etagged', { headers: admin })).json()) as { name: string }).name).toBe('F');
  });

  it('deletes a policy', async () => {
    expect((await app.request('/v1/policies/mask-ssn', { method: 'DELETE', headers: admin })).status).toBe(204);
    expect((await app.request('/v1/policies/mask-ssn', { headers: admin })).status).toBe(404);
    expect((await app.request('/v1/policies/mask-ssn', { method: 'DELETE', headers: admin })).status).toBe(404);
  });

  it('never answers 5xx to random policy bodies, and changes nothing when it rejects one', async () => {
    const condition = fc.oneof(
      fc.string(),
      fc.constantFrom("@isInGroups('a')", "NOT @iam('okta')", "@hasTagAsAttribute('k', 'column') OR (", "@hasAttribute('a','b.*') AND @hasTagAsGroup('x','column')"),
    );
    const doc = fc.record(
      {
        type: fc.oneof(fc.constantFrom('subscription', 'data'), fc.string()),
        policyKey: fc.oneof(fc.constant('fuzz'), fc.string()),
        actions: fc.record(
          {
            type: fc.oneof(fc.constantFrom('anyone', 'approval', 'entitlements', 'individuals'), fc.string()),
            entitlements: fc.record({ groups: fc.array(fc.string()), advanced: condition, operator: fc.string() }, { requiredKeys: [] }),
            merge: fc.string(),
          },
          { requiredKeys: ['type'] },
        ),
        rules: fc.array(fc.record({ type: fc.constantFrom('masking', 'rowFilterByPredicate', 'x'), predicate: condition, fields: fc.jsonValue(), masking: fc.jsonValue() }, { requiredKeys: ['type'] })),
        circumstances: fc.array(fc.record({ type: fc.constantFrom('tags', 'columnRegex', 'domain'), tag: fc.string(), regex: fc.string(), domain: fc.string() }, { requiredKeys: ['type'] })),
      },
      { requiredKeys: [] },
    );
    const body = fc.oneof(fc.string(), fc.jsonValue().map((v) => JSON.stringify(v)), doc.map((d) => JSON.stringify(d)));
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom('application/json', 'application/yaml'), fc.boolean(), async (text, type, dryRun) => {
        const before = await tableItems(s.db.tables.policies);
        const res = await app.request(`/v1/policies/fuzz${dryRun ? '?dryRun=true' : ''}`, { method: 'PUT', headers: { ...admin, 'content-type': type }, body: text });
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400 || dryRun) expect(await tableItems(s.db.tables.policies)).toEqual(before);
        if (res.status < 300 && !dryRun) await app.request('/v1/policies/fuzz', { method: 'DELETE', headers: admin });
      }),
      { numRuns: 120 },
    );
  });
});
