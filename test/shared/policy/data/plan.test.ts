import { describe, expect, it } from 'vitest';
import { evaluateDataPlan, planDataPolicies } from '#shared/policy/data/index.ts';
import { hr, stored, user, TRUSTED } from './fixtures.ts';

const hashPii = stored({
  policyKey: 'hash-pii',
  type: 'data',
  rules: [{ type: 'masking', fields: [{ type: 'columnTags', tag: 'PII' }], masking: { type: 'hash' }, exceptions: { groups: ['HR'] } }],
}, '2024-01-01T00:00:00Z');
const nullSsn = stored({
  policyKey: 'null-ssn',
  type: 'data',
  rules: [{ type: 'masking', fields: [{ type: 'columnTags', tag: 'PII.SSN' }], masking: { type: 'null' } }],
}, '2024-06-01T00:00:00Z');

const column = (cols: ReturnType<typeof evaluateDataPlan>['columns'], name: string) => cols.find((c) => c.name === name)!;

describe('mask conflicts', () => {
  it('gives a column to the deeper tag, naming the overridden policy', () => {
    const plan = planDataPolicies(hr, [hashPii, nullSsn], TRUSTED);
    const ssn = column(evaluateDataPlan(plan, user('ann'), 'postgres').columns, 'ssn');
    expect(ssn).toMatchObject({ action: 'mask', policyKey: 'null-ssn', masking: { type: 'null' }, overridden: ['hash-pii'], expression: 'CAST(NULL AS varchar)' });
    expect(column(evaluateDataPlan(plan, user('ann'), 'postgres').columns, 'email').policyKey).toBe('hash-pii');
  });

  it('gives a column to the oldest policy at equal depth, whatever the input order', () => {
    const newer = stored({ policyKey: 'const-pii', type: 'data', rules: [{ type: 'masking', fields: [{ type: 'columnTags', tag: 'PII' }], masking: { type: 'constant', value: 'X' } }] }, '2025-01-01T00:00:00Z');
    const older = stored({ policyKey: 'z-old', type: 'data', rules: [{ type: 'masking', fields: [{ type: 'columnTags', tag: 'PII' }], masking: { type: 'constant', value: 'OLD' } }] }, '2023-01-01T00:00:00Z');
    const plan = planDataPolicies(hr, [newer, older], TRUSTED);
    expect(column(evaluateDataPlan(plan, user('ann'), 'postgres').columns, 'phone')).toMatchObject({ policyKey: 'z-old', expression: "'OLD'", overridden: ['const-pii'] });
  });

  it('ranks a column named outright above any tag', () => {
    const byName = stored({ policyKey: 'by-name', type: 'data', rules: [{ type: 'masking', fields: [{ type: 'columnNames', names: ['ssn'] }], masking: { type: 'showLast', count: 4 } }] }, '2026-01-01T00:00:00Z');
    const plan = planDataPolicies(hr, [hashPii, nullSsn, byName], TRUSTED);
    expect(column(evaluateDataPlan(plan, user('ann'), 'postgres').columns, 'ssn')).toMatchObject({ policyKey: 'by-name', overridden: ['null-ssn', 'hash-pii'] });
  });

  it('shows the clear value when the winner excepts the user, not a losing mask', () => {
    const hrWins = stored({
      policyKey: 'ssn-hr',
      type: 'data',
      rules: [{ type: 'masking', fields: [{ type: 'columnTags', tag: 'PII.SSN' }], masking: { type: 'hash' }, exceptions: { groups: ['HR'] } }],
    }, '2020-01-01T00:00:00Z');
    const plan = planDataPolicies(hr, [hrWins, nullSsn], TRUSTED);
    const ssn = column(evaluateDataPlan(plan, user('hal', ['HR']), 'postgres').columns, 'ssn');
    expect(ssn).toMatchObject({ action: 'clear', policyKey: 'ssn-hr', overridden: ['null-ssn'], expression: '"ssn"' });
    expect(ssn.explanation).toBe('excepted from `ssn-hr`: member of okta/HR');
  });
});

describe('audiences', () => {
  it('masks for everyone except the listed users', () => {
    const plan = planDataPolicies(hr, [hashPii], TRUSTED);
    expect(column(evaluateDataPlan(plan, user('ann'), 'trino').columns, 'name').action).toBe('mask');
    expect(column(evaluateDataPlan(plan, user('hal', ['HR']), 'trino').columns, 'name').action).toBe('clear');
  });

  it('masks only for included users with inclusions', () => {
    const p = stored({ policyKey: 'contractors', type: 'data', rules: [{ type: 'masking', fields: [{ type: 'columnNames', names: ['salary'] }], masking: { type: 'null' }, inclusions: { attributes: [{ name: 'Type', value: 'Contractor' }] } }] });
    const plan = planDataPolicies(hr, [p], TRUSTED);
    expect(column(evaluateDataPlan(plan, user('c', [], { Type: ['Contractor'] }), 'postgres').columns, 'salary')).toMatchObject({ action: 'mask', expression: 'CAST(NULL AS integer)' });
    const staff = column(evaluateDataPlan(plan, user('s', [], { Type: ['Employee'] }), 'postgres').columns, 'salary');
    expect(staff).toMatchObject({ action: 'clear', policyKey: 'contractors' });
    expect(staff.explanation).toContain('not included in `contractors`');
  });
});

describe('cell-level masks and row filters', () => {
  it('wraps a mask with `when` in a CASE over the row', () => {
    const p = stored({ policyKey: 'us', type: 'data', rules: [{ type: 'masking', fields: [{ type: 'columnNames', names: ['salary'] }], masking: { type: 'hash' }, when: "@columnTagged('Discovered.Country') = 'US'" }] });
    expect(column(evaluateDataPlan(planDataPolicies(hr, [p], TRUSTED), user('ann'), 'snowflake').columns, 'salary').expression).toBe(
      `CASE WHEN ("country" = 'US') THEN SHA2(CAST("salary" AS VARCHAR), 256) ELSE CAST("salary" AS VARCHAR) END`,
    );
  });

  it('ANDs every applicable row filter and names their policies', () => {
    const a = stored({ policyKey: 'by-location', type: 'data', rules: [{ type: 'rowFilterByEntitlement', matches: [{ type: 'attribute', attribute: 'Work Location', columnTag: 'Discovered.Entity.Location' }] }] });
    const b = stored({ policyKey: 'by-dept', type: 'data', rules: [{ type: 'rowFilterByEntitlement', matches: [{ type: 'group', columnTag: 'Department' }] }] }, '2024-02-01T00:00:00Z');
    const r = evaluateDataPlan(planDataPolicies(hr, [a, b], TRUSTED), user('ann', ['Sales'], { 'Work Location': ['Ohio', 'Michigan'] }), 'postgres');
    expect(r.rowFilter).toEqual({ expression: `(("region" IN ('Ohio', 'Michigan'))) AND (("dept" IN ('Sales')))`, policyKeys: ['by-location', 'by-dept'] });
    expect(r.query.endsWith(` FROM "demo"."public"."hr_data" WHERE ${r.rowFilter.expression}`)).toBe(true);
  });

  it('gives a user without values a false filter, not an error', () => {
    const p = stored({ policyKey: 'region', type: 'data', rules: [{ type: 'rowFilterByPredicate', predicate: "@attributeValuesContains('sales_region', region)" }] });
    expect(evaluateDataPlan(planDataPolicies(hr, [p], TRUSTED), user('nobody'), 'databricks').rowFilter.expression).toBe('((FALSE))');
  });

  it('skips a rule whose tagged column the source lacks, and says why', () => {
    const p = stored({
      policyKey: 'tagged',
      type: 'data',
      rules: [
        { type: 'rowFilterByPredicate', predicate: "@columnTagged('Nope') = @username" },
        { type: 'rowFilterByEntitlement', matches: [{ type: 'group', columnTag: 'Missing.Tag' }] },
        { type: 'masking', fields: [{ type: 'columnNames', names: ['ssn'] }], masking: { type: 'null' }, when: "@columnTagged('Nope') = 'x'" },
      ],
    });
    const plan = planDataPolicies(hr, [p], TRUSTED);
    const r = evaluateDataPlan(plan, user('ann'), 'postgres');
    expect(r.rowFilter.expression).toBeNull();
    expect(column(r.columns, 'ssn').action).toBe('clear');
    expect(plan.notes.map((n) => `${n.rule}: ${n.reason}`).sort()).toEqual([
      '0: no column tagged `Nope`: the rule skips this source',
      '1: no column tagged `Missing.Tag`: the rule skips this source',
      '2: no column tagged `Nope`: the rule skips this source',
    ]);
  });

  it('applies row filters only to their audience', () => {
    const p = stored({ policyKey: 'own-rows', type: 'data', rules: [{ type: 'rowFilterByPredicate', predicate: 'name = @username', exceptions: { groups: ['Admins'] } }] });
    const plan = planDataPolicies(hr, [p], TRUSTED);
    expect(evaluateDataPlan(plan, user('ann'), 'postgres').rowFilter).toEqual({ expression: `(("name" = 'ann'))`, policyKeys: ['own-rows'] });
    expect(evaluateDataPlan(plan, user('root', ['Admins']), 'postgres').rowFilter).toEqual({ expression: null, policyKeys: [] });
  });

  it('fails closed with a typed NULL when a mask no longer fits the column type', () => {
    const p = stored({ policyKey: 'last4', type: 'data', rules: [{ type: 'masking', fields: [{ type: 'columnNames', names: ['salary'] }], masking: { type: 'showLast', count: 4 } }] });
    const plan = planDataPolicies(hr, [p], TRUSTED);
    expect(column(evaluateDataPlan(plan, user('ann'), 'trino').columns, 'salary')).toMatchObject({ action: 'mask', masking: { type: 'null' }, expression: 'CAST(NULL AS integer)' });
    expect(plan.notes).toEqual([{ policyKey: 'last4', rule: 0, column: 'salary', reason: '`showLast` masking does not apply to a column of type `integer`: the column is masked with NULL instead' }]);
  });
});
