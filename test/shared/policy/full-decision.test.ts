import { describe, expect, it } from 'vitest';
import { dataPolicySchema, type StoredPolicy } from '#shared/model/policy.ts';
import { compileSnapshot, decide, simulate } from '#shared/policy/index.ts';
import { policy, source, subject, TRUSTED } from './fixtures.ts';

function dataPolicy(doc: Record<string, unknown>, createdAt = '2026-02-01T00:00:00Z'): StoredPolicy {
  return { document: dataPolicySchema.parse({ type: 'data', ...doc }), version: 1, createdAt, updatedAt: createdAt };
}

const hr = source('hr_data', ['Strictly Confidential'], {
  columns: [
    { name: 'name', type: 'varchar' },
    { name: 'ssn', type: 'varchar', tags: ['Discovered.SSN'] },
    { name: 'region', type: 'varchar' },
  ],
});
const anyone = policy({ policyKey: 'anyone', actions: { type: 'anyone' } });
const legalOnly = policy({ policyKey: 'legal', actions: { type: 'entitlements', entitlements: { groups: ['Legal'] } } });
const maskSsn = dataPolicy({
  policyKey: 'mask-pii',
  rules: [{ type: 'masking', fields: [{ type: 'columnTags', tag: 'Discovered.SSN' }], masking: { type: 'hash' }, exceptions: { groups: ['HR'] } }],
});
const regionFilter = dataPolicy({
  policyKey: 'region',
  rules: [{ type: 'rowFilterByPredicate', predicate: "@attributeValuesContains('sales_region', region)" }],
});

const analyst = subject('smwilliams', { attributes: { sales_region: ['Ohio'] } });
const hrUser = subject('jdoe', { groups: ['HR'], attributes: { sales_region: ["O'Hare"] } });

describe('full decision', () => {
  const snap = compileSnapshot({ sources: [hr], domains: [], policies: [anyone, maskSsn, regionFilter], trustedIams: TRUSTED });

  it('masks the SSN for a user without the exception and filters rows by the user values', () => {
    const d = decide(snap, analyst, 'hr_data', 'postgres')!;
    expect(d.access).toBe('granted');
    const ssn = d.columns.find((c) => c.name === 'ssn')!;
    expect(ssn).toMatchObject({ action: 'mask', policyKey: 'mask-pii', masking: { type: 'hash' } });
    expect(d.columns.find((c) => c.name === 'name')).toMatchObject({ action: 'clear' });
    expect(d.rowFilter).toEqual({ expression: `(("region" IN ('Ohio')))`, policyKeys: ['region'] });
    expect(d.query).toContain(`FROM "db"."public"."hr_data" WHERE (("region" IN ('Ohio')))`);
  });

  it('shows the clear value to the excepted HR user and escapes its values as literals', () => {
    const d = decide(snap, hrUser, 'hr_data', 'postgres')!;
    expect(d.columns.find((c) => c.name === 'ssn')).toMatchObject({ action: 'clear', policyKey: 'mask-pii' });
    expect(d.rowFilter.expression).toBe(`(("region" IN ('O''Hare')))`);
  });

  it('gives a denied user no columns, no row filter and no query', () => {
    const denied = compileSnapshot({ sources: [hr], domains: [], policies: [legalOnly, maskSsn], trustedIams: TRUSTED });
    const d = decide(denied, analyst, 'hr_data', 'trino')!;
    expect(d.access).toBe('denied');
    expect(d.columns).toEqual([]);
    expect(d.rowFilter).toEqual({ expression: null, policyKeys: [] });
    expect(d.query).toBeUndefined();
  });

  it('renders the same decision in every dialect with the dialect quoting', () => {
    expect(decide(snap, analyst, 'hr_data', 'databricks')!.query).toContain('FROM `db`.`public`.`hr_data`');
    expect(decide(snap, analyst, 'hr_data', 'snowflake')!.query).toContain('FROM "db"."public"."hr_data"');
  });

  it('is undefined for an unknown source', () => {
    expect(decide(snap, analyst, 'nope', 'postgres')).toBeUndefined();
  });
});

describe('simulation of data policies', () => {
  it('counts users whose masks or row filters change, and only them', () => {
    const before = compileSnapshot({ sources: [hr], domains: [], policies: [anyone], trustedIams: TRUSTED });
    const after = compileSnapshot({ sources: [hr], domains: [], policies: [anyone, maskSsn, regionFilter], trustedIams: TRUSTED }, before);
    const result = simulate(before, after, [analyst, hrUser]);
    expect(result.summary).toMatchObject({ gained: 0, lost: 0, masksChanged: 1, rowFiltersChanged: 2 });
    const analystChange = result.changes.find((c) => c.user.userid === 'smwilliams')!;
    expect(analystChange.before.maskedColumns).toEqual([]);
    expect(analystChange.after.maskedColumns).toEqual(['ssn']);
  });

  it('reports nothing when only an unrelated source changes', () => {
    const other = source('other', []);
    const before = compileSnapshot({ sources: [hr, other], domains: [], policies: [anyone, maskSsn], trustedIams: TRUSTED });
    const after = compileSnapshot({ sources: [hr, { ...other, version: 2 }], domains: [], policies: [anyone, maskSsn], trustedIams: TRUSTED }, before);
    expect(simulate(before, after, [analyst, hrUser]).changes).toEqual([]);
  });
});
