import type { DataSource } from '#shared/model/catalog.ts';
import type { DataPolicy } from '#shared/model/policy.ts';
import { PolicyValidationError, RegexSyntaxError } from '../errors.ts';
import { linearRegex } from '../regex.ts';
import { sqlDialect } from '../sql/dialects.ts';
import { ExpressionError, MissingTagError, RuleNotApplicableError } from './errors.ts';
import { analyze, type ExpressionMode } from './analyze.ts';
import { parseExpression } from './parse.ts';
import { bareMask, filterFor, whenFor } from './rule-sql.ts';
import { selectorDepth } from './winner.ts';

/**
 * Checks what a data policy needs no data source for: every predicate, `when` and custom mask
 * parses and uses known functions with the right arguments; regex patterns are RE2 syntax; numbers
 * are usable. Throws `PolicyValidationError` naming the rule and field.
 */
export function validateDataRules(doc: DataPolicy): void {
  const fail = (field: string, problem: string): never => {
    throw new PolicyValidationError(`invalid policy \`${doc.policyKey}\`: \`${field}\`: ${problem}`);
  };
  const expression = (field: string, text: string, mode: ExpressionMode) => {
    try {
      analyze(parseExpression(text), mode);
    } catch (err) {
      if (err instanceof ExpressionError) fail(field, err.message);
      throw err;
    }
  };
  doc.rules.forEach((rule, i) => {
    const at = `rules[${i}]`;
    if (rule.type === 'rowFilterByPredicate') return expression(`${at}.predicate`, rule.predicate, 'predicate');
    if (rule.type !== 'masking') return;
    if (rule.when !== undefined) expression(`${at}.when`, rule.when, 'predicate');
    const m = rule.masking;
    if (m.type === 'custom') expression(`${at}.masking.sql`, m.sql, 'custom');
    if (m.type === 'rounding' && !(Number.isFinite(m.bucketSize) && m.bucketSize > 0)) fail(`${at}.masking.bucketSize`, 'must be a positive number');
    if (m.type === 'constant' && typeof m.value === 'number' && !Number.isFinite(m.value)) fail(`${at}.masking.value`, 'must be a finite number');
    if (m.type === 'regex') {
      // The database runs the pattern; RE2 syntax here keeps out what only backtracking engines do.
      try {
        linearRegex(m.pattern);
      } catch (err) {
        if (!(err instanceof RegexSyntaxError)) throw err;
        fail(`${at}.masking.pattern`, err.message);
      }
    }
  });
}

/**
 * Checks a data policy against the sources it targets, for what needs column types and names:
 * a mask unfit for a column's type (`showLast` on a number) or a predicate naming a column the
 * source lacks. Returns one message per problem; a missing tagged column is no problem (the
 * rule skips that source).
 */
export function checkDataPolicyAgainstSources(doc: DataPolicy, sources: readonly DataSource[]): string[] {
  const errors: string[] = [];
  const d = sqlDialect('postgres');
  for (const source of sources) {
    doc.rules.forEach((rule, i) => {
      const report = (field: string, err: unknown, column?: string) => {
        if (err instanceof MissingTagError) return;
        if (!(err instanceof RuleNotApplicableError) && !(err instanceof ExpressionError)) throw err;
        const where = column === undefined ? '' : `: column \`${column}\``;
        errors.push(`invalid policy \`${doc.policyKey}\`: \`rules[${i}].${field}\`: data source \`${source.id}\`${where}: ${err.message}`);
      };
      if (rule.type !== 'masking') {
        try {
          filterFor(rule, source, d);
        } catch (err) {
          report(rule.type === 'rowFilterByPredicate' ? 'predicate' : 'matches', err);
        }
        return;
      }
      let selected = false;
      for (const column of source.columns) {
        if (selectorDepth(rule, column) === 0) continue;
        selected = true;
        try {
          bareMask(rule, column, source, d);
        } catch (err) {
          report('masking', err, column.name);
        }
      }
      if (rule.when === undefined || !selected) return;
      try {
        whenFor(rule.when, source, d);
      } catch (err) {
        report('when', err);
      }
    });
  }
  return errors;
}
