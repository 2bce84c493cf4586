import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dataOutcome, evaluateDataPlan } from '#shared/policy/data/evaluate.ts';
import { planDataPolicies } from '#shared/policy/data/plan.ts';
import { hr, stored, TRUSTED, user } from './fixtures.ts';

const policies = [
  stored({ policyKey: 'hash-pii', type: 'data', rules: [{ type: 'masking', fields: [{ type: 'columnTags', tag: 'PII' }], masking: { type: 'hash' }, exceptions: { groups: ['HR'] } }] }),
  stored({ policyKey: 'null-salary', type: 'data', rules: [{ type: 'masking', fields: [{ type: 'columnNames', names: ['salary'] }], masking: { type: 'null' }, inclusions: { operator: 'all', groups: ['Contractors'], attributes: [{ name: 'Country', value: 'US' }] } }] }, '2024-01-02T00:00:00Z'),
  stored({ policyKey: 'by-region', type: 'data', rules: [{ type: 'rowFilterByPredicate', predicate: "@attributeValuesContains('Region', region)", exceptions: { groups: ['Executives'] } }] }, '2024-01-03T00:00:00Z'),
  stored({ policyKey: 'by-dept', type: 'data', rules: [{ type: 'rowFilterByEntitlement', matches: [{ type: 'attribute', attribute: 'Department', columnTag: 'Department' }] }] }, '2024-01-04T00:00:00Z'),
];

describe("simulation's data outcome", () => {
  it('names the masked columns and the row filter exactly as the full evaluation decides them, for any user and policies', () => {
    const groups = fc.subarray(['HR', 'Contractors', 'Executives', 'Legal']);
    const values = (xs: string[]) => fc.subarray(xs, { minLength: 1 });
    const attributes = fc.record({ Country: values(['US', 'France']), Region: values(['Ohio', "O'Hare"]), Department: values(['Sales', 'HR']) }, { requiredKeys: [] });
    fc.assert(
      fc.property(fc.subarray(policies, { minLength: 1 }), groups, attributes, (chosen, g, a) => {
        const plan = planDataPolicies(hr, chosen, TRUSTED);
        const u = user('u', g, a as Record<string, string[]>);
        const full = evaluateDataPlan(plan, u, 'postgres');
        expect(dataOutcome(plan, u)).toEqual({ maskedColumns: full.columns.filter((c) => c.action === 'mask').map((c) => c.name), rowFilter: full.rowFilter.expression });
      }),
      { numRuns: 300 },
    );
  });
});
