import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPolicyApp } from '#functions/policy/app.ts';
import type { DecidingServices } from '#shared/services.ts';
import { ADMIN_KEY, bearer, json, testServices } from '../../support/services.ts';

let s: DecidingServices;
let app: ReturnType<typeof createPolicyApp>;
const admin = bearer(ADMIN_KEY);

const policies = async (): Promise<string[]> =>
  ((await s.db.doc.send(new ScanCommand({ TableName: s.db.tables.policies }))).Items ?? []).map((i) => JSON.stringify(i)).sort();

beforeAll(async () => {
  s = await testServices();
  app = createPolicyApp(s);
  const columns = [{ name: 'salary', type: 'numeric', tags: ['Financial'] }, { name: 'ssn', type: 'varchar', tags: ['PII'] }];
  await app.request('/v1/data-sources/pay', json('PUT', { name: 'Pay', platform: 'postgres', database: 'd', schema: 's', table: 'p', tags: ['Pay'], columns }, admin));
});

/** A data policy targeting `tag` (the `pay` source, or none) with one rule. */
const dataPolicy = (rule: string, tag: string) =>
  `{"type":"data","circumstances":[{"type":"tags","tag":"${tag}"}],"rules":[${rule}]}`;

/** Where a numeral can stand in a data policy, as JSON text, and the field an error must name. */
const PLACES: ReadonlyArray<readonly [string, (n: string) => string]> = [
  ['rules[0].predicate', (n) => `{"type":"rowFilterByPredicate","predicate":"salary > ${n}"}`],
  ['rules[0].when', (n) => `{"type":"masking","fields":[{"type":"columnTags","tag":"PII"}],"masking":{"type":"null"},"when":"salary < -${n}"}`],
  ['rules[0].masking.sql', (n) => `{"type":"masking","fields":[{"type":"columnTags","tag":"Financial"}],"masking":{"type":"custom","sql":"@column * ${n}"}}`],
  ['rules[0].masking.bucketSize', (n) => `{"type":"masking","fields":[{"type":"columnTags","tag":"Financial"}],"masking":{"type":"rounding","bucketSize":${n}}}`],
  ['rules[0].masking.count', (n) => `{"type":"masking","fields":[{"type":"columnTags","tag":"PII"}],"masking":{"type":"showLast","count":${n}}}`],
  ['rules[0].masking.value', (n) => `{"type":"masking","fields":[{"type":"columnTags","tag":"Financial"}],"masking":{"type":"constant","value":${n}}}`],
];

async function put(body: string, type = 'application/json', key = 'big'): Promise<{ status: number; detail: string }> {
  const res = await app.request(`/v1/policies/${key}`, { method: 'PUT', headers: { ...admin, 'content-type': type }, body });
  return { status: res.status, detail: res.status >= 400 ? ((await res.json()) as { detail: string }).detail : '' };
}

describe('numbers beyond the double range', () => {
  it.each(PLACES)('`1e400` in `%s` is a 400 naming the field, on a targeted source or none', async (field, rule) => {
    const before = await policies();
    for (const tag of ['Pay', 'Nothing']) {
      const res = await put(dataPolicy(rule('1e400'), tag));
      expect(res.status).toBe(400);
      expect(res.detail).toContain(`\`${field}\``);
      expect(res.detail).toMatch(/out of range|expected number|finite number/);
    }
    expect(await policies()).toEqual(before);
  });

  it('refuses them in YAML too, `.inf` and `.nan` included', async () => {
    for (const n of ['1e400', '.inf', '-.inf', '.nan']) {
      const res = await put(`type: data\nrules:\n  - {type: masking, fields: [{type: columnTags, tag: Financial}], masking: {type: rounding, bucketSize: ${n}}}\n`, 'application/yaml');
      expect(res).toMatchObject({ status: 400 });
      expect(res.detail).toContain('`rules[0].masking.bucketSize`');
    }
  });

  it('answers 400 naming the field for any overflowing numeral, anywhere, and stores nothing', async () => {
    const digits = fc.integer({ min: 1, max: 9 }).map(String);
    const numeral = fc.oneof(
      fc.tuple(digits, fc.integer({ min: 309, max: 100_000 })).map(([d, e]) => `${d}e${e}`),
      fc.tuple(digits, fc.nat({ max: 999 }), fc.integer({ min: 309, max: 5000 })).map(([d, f, e]) => `${d}.${f}E+${e}`),
      fc.integer({ min: 310, max: 2000 }).map((n) => '9'.repeat(n)),
    );
    const before = await policies();
    await fc.assert(
      fc.asyncProperty(numeral, fc.constantFrom(...PLACES), fc.constantFrom('Pay', 'Nothing'), async (n, [field, rule], tag) => {
        const res = await put(dataPolicy(rule(n), tag));
        expect(res.status).toBe(400);
        expect(res.detail).toContain(`\`${field}\``);
      }),
      { numRuns: 60 },
    );
    expect(await policies()).toEqual(before);
  });

  it('still takes large finite numbers', async () => {
    const res = await put(dataPolicy(PLACES[0]![1]('1e300'), 'Pay'), 'application/json', 'finite');
    expect(res.status).toBe(201);
  });
});
