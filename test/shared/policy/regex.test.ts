import { describe, expect, it } from 'vitest';
import { dataPolicySchema, type Circumstance } from '#shared/model/policy.ts';
import { compileTargeting, parsePolicyDocument } from '#shared/policy/index.ts';
import { validateDataRules } from '#shared/policy/data/index.ts';
import { source } from './fixtures.ts';

// The reproduction: nested quantifiers against a name that almost matches. A
// backtracking engine doubles its work with every `a` (4.75 s at 30 on the reporting machine).
const EVIL = '^(a+)+$';
const ALMOST = `${'a'.repeat(30)}!`;

const circumstance = (regex: string, caseInsensitive = false): Circumstance => ({ type: 'columnRegex', regex, caseInsensitive });
const subscription = (regex: string) => ({ policyKey: 'by-name', type: 'subscription', actions: { type: 'anyone' }, circumstances: [circumstance(regex)] });
const message = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
};

describe('user-written regular expressions', () => {
  it('match a column name in time linear in its length, whatever the pattern', () => {
    const targets = compileTargeting({ circumstanceOperator: 'any', circumstances: [circumstance(EVIL)] });
    const started = performance.now();
    expect(targets(source('evil', [], { columns: [{ name: ALMOST }] }), new Map())).toBe(false);
    expect(performance.now() - started).toBeLessThan(100);
    // 100,000 characters: hopeless for backtracking, one pass for an automaton.
    const long = performance.now();
    expect(targets(source('long', [], { columns: [{ name: `${'a'.repeat(100_000)}!` }] }), new Map())).toBe(false);
    expect(targets(source('yes', [], { columns: [{ name: 'a'.repeat(100_000) }] }), new Map())).toBe(true);
    expect(performance.now() - long).toBeLessThan(2_000);
  });

  it('keep their meaning for ordinary patterns, case-insensitively on demand', () => {
    const matches = (regex: string, name: string, ci = false) => compileTargeting({ circumstanceOperator: 'any', circumstances: [circumstance(regex, ci)] })(source('s', [], { columns: [{ name }] }), new Map());
    expect(matches('ssn', 'customer_ssn')).toBe(true);
    expect(matches('^ssn$', 'SSN')).toBe(false);
    expect(matches('^ssn$', 'SSN', true)).toBe(true);
    expect(matches('^(e|)mail\\d*$', 'email2')).toBe(true);
  });

  it.each([
    ['(a)\\1', 'invalid escape sequence `\\1`'],
    ['(?=ssn)', 'invalid or unsupported Perl syntax `(?=`'],
    ['(?!ssn)x', 'invalid or unsupported Perl syntax `(?!`'],
    ['(?<=x)ssn', 'invalid named capture `(?<=x)ssn`'],
    ['a{1001}', 'invalid repeat count `{1001}`'],
    ['a**', 'invalid nested repetition operator `**`'],
    ['(ssn', 'missing closing ) `(ssn`'],
  ])('refuse `%s` at PUT, naming the construct', (regex, problem) => {
    expect(message(() => parsePolicyDocument(subscription(regex)))).toBe(
      `invalid policy \`by-name\`: \`circumstances[0].regex\`: invalid regular expression \`${regex}\`: ${problem}`,
    );
  });

  it('hold regex masks and regexp_replace patterns, which the database runs, to the same syntax', () => {
    const rule = (masking: unknown) => dataPolicySchema.parse({ policyKey: 'm', type: 'data', rules: [{ type: 'masking', fields: [{ type: 'columnNames', names: ['email'] }], masking }] });
    expect(message(() => validateDataRules(rule({ type: 'regex', pattern: '^(\\w+)@\\1', replacement: 'x' })))).toBe(
      'invalid policy `m`: `rules[0].masking.pattern`: invalid regular expression `^(\\w+)@\\1`: invalid escape sequence `\\1`',
    );
    expect(message(() => validateDataRules(rule({ type: 'custom', sql: "regexp_replace(@column, '(?<=@).*', '***')" })))).toBe(
      'invalid policy `m`: `rules[0].masking.sql`: argument 2 of `regexp_replace`: invalid regular expression `(?<=@).*`: invalid named capture `(?<=@).*`',
    );
    expect(() => validateDataRules(rule({ type: 'regex', pattern: '^[^@]+', replacement: '***' }))).not.toThrow();
    expect(() => validateDataRules(rule({ type: 'custom', sql: "regexp_replace(@column, '[0-9]', '#')" }))).not.toThrow();
  });
});
