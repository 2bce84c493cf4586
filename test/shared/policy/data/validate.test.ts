import { describe, expect, it } from 'vitest';
import { dataPolicySchema } from '#shared/model/policy.ts';
import { checkDataPolicyAgainstSources, validateDataRules } from '#shared/policy/data/index.ts';
import { hr } from './fixtures.ts';

const withRule = (rule: unknown) => dataPolicySchema.parse({ policyKey: 'mask-pii', type: 'data', rules: [{ type: 'masking', fields: [{ type: 'columnNames', names: ['ssn'] }], masking: { type: 'null' } }, rule] });
const predicate = (text: string) => withRule({ type: 'rowFilterByPredicate', predicate: text });

describe('validateDataRules', () => {
  it.each([
    ["@hasTag('x')", 'unknown function `@hasTag`'],
    ["@isInGroups()", '`@isInGroups` takes at least 1 arguments, got 0'],
    ["@attributeValuesContains('k', 'region')", "argument 2 of `@attributeValuesContains` must be a column, not `'region'`"],
    ['@attributeValuesContains(k, region)', 'argument 1 of `@attributeValuesContains` must be a string literal'],
    ["region = 'x' -- comment", 'comments are not allowed at 13'],
    ["region = 'x'; DROP TABLE t", 'unexpected character `;` at 12'],
    ["region IN (list_groups()) AND list_groups() = 'x'", '`list_groups()` is a list: use it as `x IN (list_groups())`'],
    ["region = 'open", 'unterminated string at 9'],
    ['(region = 1', 'expected `)` at 11'],
    ['@column IS NULL', 'unknown function `@column`'],
    ['has_group(1)', 'argument 1 of `has_group` must be a string literal'],
    ['salary > 1e400', 'number `1e400` is out of range at 9'],
    ['CAST(region AS varchar(1e999)) = 1', 'number `1e999` is out of range at 23'],
    ['salary > 1e-400', null],
    ["CAST(region AS varchar) = 'x'", null],
    ["@attributeValuesContains('sales_region', region) OR @isInGroups('Executives')", null],
    ["region IN (list_groups(), 'x') AND has_attr('k') AND get_attr('k') <> 'y' AND NOT 'a' IN (list_attrs()) AND @iam('okta') AND @iam = 'okta'", null],
  ])('%s', (text, error) => {
    const run = () => validateDataRules(predicate(text));
    if (error === null) expect(run).not.toThrow();
    else expect(run).toThrow(`invalid policy \`mask-pii\`: \`rules[1].predicate\`: ${error}`);
  });

  it('refuses a numeral that overflows in a custom mask or a when, naming the field', () => {
    const huge = '9'.repeat(309);
    expect(() => validateDataRules(predicate(`salary < -${huge}`))).toThrow(`\`rules[1].predicate\`: number \`${huge}\` is out of range at 10`);
    expect(() => validateDataRules(withRule({ type: 'masking', fields: [{ type: 'columnNames', names: ['salary'] }], masking: { type: 'custom', sql: '@column * 2e308' } }))).toThrow(
      'invalid policy `mask-pii`: `rules[1].masking.sql`: number `2e308` is out of range at 10',
    );
    expect(() => validateDataRules(withRule({ type: 'masking', fields: [{ type: 'columnNames', names: ['a'] }], masking: { type: 'null' }, when: 'salary > 1E+400' }))).toThrow(
      'invalid policy `mask-pii`: `rules[1].when`: number `1E+400` is out of range at 9',
    );
  });

  it('names the field of a custom mask, a when and a regex', () => {
    expect(() => validateDataRules(withRule({ type: 'masking', fields: [{ type: 'columnNames', names: ['a'] }], masking: { type: 'custom', sql: 'evil(@column)' } }))).toThrow(
      'invalid policy `mask-pii`: `rules[1].masking.sql`: unknown function `evil`',
    );
    expect(() => validateDataRules(withRule({ type: 'masking', fields: [{ type: 'columnNames', names: ['a'] }], masking: { type: 'custom', sql: "CASE WHEN has_group('Owners') THEN @column ELSE '***' END" } }))).not.toThrow();
    expect(() => validateDataRules(withRule({ type: 'masking', fields: [{ type: 'columnNames', names: ['a'] }], masking: { type: 'null' }, when: '@nope' }))).toThrow('`rules[1].when`: unknown function `@nope`');
    expect(() => validateDataRules(withRule({ type: 'masking', fields: [{ type: 'columnNames', names: ['a'] }], masking: { type: 'regex', pattern: '(', replacement: '' } }))).toThrow(
      '`rules[1].masking.pattern`: invalid regular expression `(`',
    );
  });
});

describe('checkDataPolicyAgainstSources', () => {
  it('reports masks unfit for the column type and unknown columns', () => {
    const doc = dataPolicySchema.parse({
      policyKey: 'p',
      type: 'data',
      rules: [
        { type: 'masking', fields: [{ type: 'columnTags', tag: 'Financial' }], masking: { type: 'showLast', count: 4 } },
        { type: 'masking', fields: [{ type: 'columnNames', names: ['name'] }], masking: { type: 'rounding', bucketSize: 10 } },
        { type: 'masking', fields: [{ type: 'columnNames', names: ['salary'] }], masking: { type: 'constant', value: 'secret' } },
        { type: 'rowFilterByPredicate', predicate: 'nosuch = 1' },
        { type: 'rowFilterByPredicate', predicate: "@columnTagged('Absent') = 'x'" },
        { type: 'masking', fields: [{ type: 'columnNames', names: ['hired'] }], masking: { type: 'rounding', bucketSize: 86400 } },
      ],
    });
    expect(checkDataPolicyAgainstSources(doc, [hr])).toEqual([
      'invalid policy `p`: `rules[0].masking`: data source `hr_data`: column `salary`: `showLast` masking does not apply to a column of type `integer`',
      'invalid policy `p`: `rules[1].masking`: data source `hr_data`: column `name`: `rounding` masking does not apply to a column of type `varchar`',
      'invalid policy `p`: `rules[2].masking`: data source `hr_data`: column `salary`: constant `secret` does not fit a column of type `integer`',
      'invalid policy `p`: `rules[3].predicate`: data source `hr_data`: unknown column `nosuch`',
    ]);
  });
});
