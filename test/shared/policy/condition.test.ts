import { describe, expect, it } from 'vitest';
import { compileCondition } from '#shared/policy/condition/compile.ts';
import { parseCondition } from '#shared/policy/condition/parser.ts';
import { ConditionSyntaxError } from '#shared/policy/errors.ts';
import { sourceFacts } from '#shared/policy/source-facts.ts';
import { source, subject } from './fixtures.ts';

function holds(text: string, s = subject('u'), src = source('s')): boolean {
  const c = compileCondition(parseCondition(text));
  const outcome = c.evaluate(s, sourceFacts(src));
  expect(c.test(s, sourceFacts(src))).toBe(outcome.holds);
  return outcome.holds;
}

function syntaxError(text: string): ConditionSyntaxError {
  try {
    parseCondition(text);
  } catch (error) {
    if (error instanceof ConditionSyntaxError) return error;
    throw error;
  }
  throw new Error(`\`${text}\` parsed`);
}

describe('advanced condition parser', () => {
  it('gives NOT precedence over AND, and AND over OR', () => {
    expect(parseCondition("@iam('a') OR NOT @iam('b') AND @iam('c')")).toEqual({
      kind: 'or',
      left: { kind: 'iam', iamid: 'a' },
      right: { kind: 'and', left: { kind: 'not', operand: { kind: 'iam', iamid: 'b' } }, right: { kind: 'iam', iamid: 'c' } },
    });
  });

  it('honours parentheses and case-insensitive keywords', () => {
    expect(parseCondition("not (@iam('a') or @iam('b')) And @iam('c')")).toEqual({
      kind: 'and',
      left: { kind: 'not', operand: { kind: 'or', left: { kind: 'iam', iamid: 'a' }, right: { kind: 'iam', iamid: 'b' } } },
      right: { kind: 'iam', iamid: 'c' },
    });
  });

  it('reads single- and double-quoted strings with escapes', () => {
    expect(parseCondition(`@hasAttribute("Work \\"Site\\"", 'O\\'Hare')`)).toEqual({ kind: 'hasAttribute', name: 'Work "Site"', value: "O'Hare" });
  });

  it('accepts both forms of @hasTagAsGroup, ignoring the first argument of the two-argument form', () => {
    expect(parseCondition("@hasTagAsGroup('column')")).toEqual({ kind: 'hasTagAsGroup', scope: 'column' });
    expect(parseCondition("@hasTagAsGroup('Access', 'dataSource')")).toEqual({ kind: 'hasTagAsGroup', scope: 'dataSource' });
    expect(parseCondition("@isInGroups('a', 'b', 'c')")).toEqual({ kind: 'isInGroups', groups: ['a', 'b', 'c'] });
  });

  it.each([
    ["@isInGroups('a') AND @hasTag('x')", 'unknown function `@hasTag` at 21'],
    ["@hasAttribute('k')", '`@hasAttribute` takes 2 arguments, got 1 at 0'],
    ['@isInGroups()', '`@isInGroups` takes at least 1 argument, got 0 at 0'],
    ["@hasTagAsAttribute('k', 'table')", '`@hasTagAsAttribute` scope must be `dataSource` or `column`, got `table` at 0'],
    ["@hasTagAsGroup('a', 'b', 'column')", '`@hasTagAsGroup` takes 1 or 2 arguments, got 3 at 0'],
    ["@iam('okta'", 'expected `,` or `)`, found end of condition at 11'],
    ["@iam('okta') AND", 'expected a condition, found end of condition at 16'],
    ["@iam('okta') @iam('bim')", 'unexpected `@iam` at 13'],
    ["@iam('okta) OR @iam('x')", 'unexpected `x` at 21'],
    ["@iam('okta", 'unterminated string at 5'],
    ['', 'expected a condition, found end of condition at 0'],
    ["@iam(okta)", 'unexpected `okta` at 5'],
    ["(@iam('a')", 'expected `)`, found end of condition at 10'],
    ["@iam('a') & @iam('b')", 'unexpected `&` at 10'],
  ])('rejects %j: %s', (text, message) => {
    const error = syntaxError(text);
    expect(error.message).toBe(message);
  });
});

describe('advanced condition evaluation', () => {
  const legalUs = subject('ana', { groups: ['Legal', 'Employees'], attributes: { Country: ['US'], Region: ['EMEA.France.Paris'] }, iamid: 'okta' });

  it('evaluates each function', () => {
    expect(holds("@isInGroups('Legal', 'Employees')", legalUs)).toBe(true);
    expect(holds("@isInGroups('Legal', 'Contractors')", legalUs)).toBe(false);
    expect(holds("@hasAttribute('Country', 'US')", legalUs)).toBe(true);
    expect(holds("@hasAttribute('Country', 'FR')", legalUs)).toBe(false);
    expect(holds("@hasAttribute('Region', 'EMEA.*')", legalUs)).toBe(true);
    expect(holds("@hasAttribute('Region', 'EMEA.France.Paris.*')", legalUs)).toBe(false);
    expect(holds("@iam('okta')", legalUs)).toBe(true);
    expect(holds("@iam('bim')", legalUs)).toBe(false);
  });

  it('negates with NOT', () => {
    expect(holds("NOT @isInGroups('Contractors')", legalUs)).toBe(true);
    expect(holds("NOT @isInGroups('Legal')", legalUs)).toBe(false);
    expect(holds("NOT NOT @isInGroups('Legal')", legalUs)).toBe(true);
    expect(holds("@isInGroups('Legal') AND NOT @hasAttribute('Country', 'US')", legalUs)).toBe(false);
  });

  it('explains which part held or failed', () => {
    const c = compileCondition(parseCondition("@isInGroups('Legal') AND NOT @isInGroups('Contractors')"));
    expect(c.evaluate(legalUs, sourceFacts(source('s'))).explanation).toBe('member of okta/Legal; not member of okta/Contractors');
    const d = compileCondition(parseCondition("@isInGroups('HR') OR @hasAttribute('Country', 'FR')"));
    expect(d.evaluate(legalUs, sourceFacts(source('s')))).toEqual({ holds: false, explanation: 'not member of okta/HR; not okta/Country=FR' });
  });

  it('matches column tags only with the column scope', () => {
    const s = source('t', ['Public'], { columns: [{ name: 'ssn', tags: ['PII.SSN'] }] });
    const u = subject('u', { attributes: { Access: ['PII'] }, groups: ['PII'] });
    expect(holds("@hasTagAsAttribute('Access', 'column')", u, s)).toBe(true);
    expect(holds("@hasTagAsAttribute('Access', 'dataSource')", u, s)).toBe(false);
    expect(holds("@hasTagAsGroup('column')", u, s)).toBe(true);
    expect(holds("@hasTagAsGroup('x', 'dataSource')", u, s)).toBe(false);
  });
});
