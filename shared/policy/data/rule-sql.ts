import type { Column, DataSource } from '#shared/model/catalog.ts';
import type { DataRule } from '#shared/model/policy.ts';
import type { SqlDialect } from '../sql/dialect.ts';
import { maskSql } from '../sql/mask.ts';
import { inList } from '../sql/literals.ts';
import { typeKind } from '../sql/column-type.ts';
import { MissingTagError, RuleNotApplicableError } from './errors.ts';
import { parsedExpression } from './parsed.ts';
import { render } from './render.ts';
import { columnTagged, sourceContext } from './source-context.ts';
import { assemble, type Piece, type Sql } from './template.ts';

export type MaskingRule = Extract<DataRule, { type: 'masking' }>;
export type RowFilterRule = Extract<DataRule, { type: 'rowFilterByEntitlement' | 'rowFilterByPredicate' }>;

/**
 * The SQL of a masking rule on one column, with its cell-level `when`. Throws
 * `MissingTagError` when `when` needs a tag no column carries, `RuleNotApplicableError` when
 * the mask cannot be written for this column.
 */
export function maskFor(rule: MaskingRule, column: Column, source: DataSource, d: SqlDialect): Sql {
  const mask = bareMask(rule, column, source, d);
  if (rule.when === undefined) return mask;
  const col = d.ident(column.name);
  // A hash is text: the unmasked cells must be text too, or the CASE has two types.
  const otherwise = rule.masking.type === 'hash' && typeKind(column.type) !== 'string' ? d.toText(col) : col;
  return assemble(['CASE WHEN ', whenFor(rule.when, source, d), ' THEN ', mask, ' ELSE ', otherwise, ' END']);
}

/** The mask alone, without `when`. */
export function bareMask(rule: MaskingRule, column: Column, source: DataSource, d: SqlDialect): Sql {
  const col = d.ident(column.name);
  if (rule.masking.type === 'custom') return render(parsedExpression(rule.masking.sql, 'custom'), sourceContext(source, d, col));
  const built = maskSql(d, rule.masking, col, column.type);
  if ('error' in built) throw new RuleNotApplicableError(built.error);
  return built.sql;
}

/** The cell-level condition of a masking rule on one source. */
export function whenFor(when: string, source: DataSource, d: SqlDialect): Sql {
  return render(parsedExpression(when, 'predicate'), sourceContext(source, d));
}

/** The SQL predicate of a row-filter rule on one source; throws like `maskFor`. */
export function filterFor(rule: RowFilterRule, source: DataSource, d: SqlDialect): Sql {
  if (rule.type === 'rowFilterByPredicate') return render(parsedExpression(rule.predicate, 'predicate'), sourceContext(source, d));
  const pieces: Piece[] = [];
  rule.matches.forEach((m, i) => {
    const column = columnTagged(source, m.columnTag);
    if (!column) throw new MissingTagError(m.columnTag);
    const col = d.ident(column.name);
    if (i > 0) pieces.push(' AND ');
    pieces.push(m.type === 'group' ? (s) => `(${inList(d, col, s.groups)})` : (s) => `(${inList(d, col, s.attributes.get(m.attribute) ?? [])})`);
  });
  return assemble(pieces);
}
