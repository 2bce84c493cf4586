import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { conditionSetSchema } from '#shared/model/policy.ts';
import { compileConditionHolds, compileConditionSet } from '#shared/policy/conditions.ts';
import { subject } from './fixtures.ts';

const name = fc.constantFrom('HR', 'Legal', 'Country', 'Dept', 'Dept.A');
const value = fc.constantFrom('US', 'France', 'Dept.A', 'Dept.A.*', 'Dept.*');

describe('a condition set without explanations', () => {
  it('holds exactly when the explained test holds, for any set and any user', () => {
    const set = fc.record({
      operator: fc.constantFrom('all', 'any'),
      groups: fc.array(name, { maxLength: 3 }),
      attributes: fc.array(fc.record({ name, value }), { maxLength: 3 }),
    });
    const user = fc.record({
      groups: fc.array(name, { maxLength: 3 }),
      attributes: fc.dictionary(name, fc.array(fc.constantFrom('US', 'France', 'Dept.A', 'Dept.A.B'), { maxLength: 2 })),
    });
    fc.assert(
      fc.property(set, user, (raw, u) => {
        const parsed = conditionSetSchema.parse(raw);
        const s = subject('u', u);
        expect(compileConditionHolds(parsed)(s)).toBe(compileConditionSet(parsed)(s).holds);
      }),
      { numRuns: 500 },
    );
  });
});
