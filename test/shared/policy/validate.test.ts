import { describe, expect, it } from 'vitest';
import { PolicyValidationError } from '#shared/policy/errors.ts';
import { parsePolicyDocument } from '#shared/policy/validate.ts';

const base = {
  policyKey: 'country-access',
  type: 'subscription',
  actions: { type: 'entitlements', entitlements: { operator: 'all', groups: ['Legal'], advanced: "@hasTagAsAttribute('Access', 'dataSource')" }, merge: 'alwaysRequired' },
  circumstances: [{ type: 'tags', tag: 'Strictly Confidential' }],
};

function message(input: unknown): string {
  try {
    parsePolicyDocument(input);
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyValidationError);
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('parsePolicyDocument', () => {
  it('accepts a subscription policy and applies defaults', () => {
    const doc = parsePolicyDocument(base);
    expect(doc).toMatchObject({ type: 'subscription', staged: false, circumstanceOperator: 'any', actions: { allowDiscovery: false, allowRequests: false } });
  });

  it('names the type problem', () => {
    expect(message({ ...base, type: 'mask' })).toBe('invalid policy `country-access`: `type`: expected `subscription` or `data`, got `mask`');
    expect(message('nope')).toBe('invalid policy: `type`: expected `subscription` or `data`, got `undefined`');
  });

  it('names the field path of schema errors', () => {
    expect(message({ ...base, actions: { ...base.actions, merge: 'sometimes' } })).toMatch(/^invalid policy `country-access`: `actions\.merge`: invalid option/);
    expect(message({ ...base, actions: { type: 'entitlements' } })).toBe('invalid policy `country-access`: `actions.entitlements`: required when `actions.type` is `entitlements`');
    expect(message({ ...base, policyKey: 'bad key!' })).toMatch(/^invalid policy: `policyKey`: /);
  });

  it('rejects an advanced condition that does not parse, with its position', () => {
    const bad = { ...base, actions: { ...base.actions, entitlements: { advanced: "@isInGroups('a') AND @hasTag('x')" } } };
    expect(message(bad)).toBe('invalid policy `country-access`: `actions.entitlements.advanced`: unknown function `@hasTag` at 21');
  });

  it('rejects an invalid column regex', () => {
    const bad = { ...base, circumstances: [{ type: 'tags', tag: 'A' }, { type: 'columnRegex', regex: '(ssn' }] };
    expect(message(bad)).toMatch(/^invalid policy `country-access`: `circumstances\[1\]\.regex`: invalid regular expression `\(ssn`: /);
  });

  it('validates data policies with their own schema', () => {
    expect(message({ policyKey: 'mask-pii', type: 'data', rules: [] })).toMatch(/^invalid policy `mask-pii`: `rules`: /);
  });
});
