import type { Expr } from './ast.ts';
import { RegexSyntaxError } from '../errors.ts';
import { linearRegex } from '../regex.ts';
import { ExpressionError } from './errors.ts';
import { argKind, functionSpec, type ValueKind } from './functions.ts';

/** Where an expression stands: a row predicate / `when`, or a `custom` mask body. */
export type ExpressionMode = 'predicate' | 'custom';

/** What an expression needs from a data source. */
export interface ExpressionNeeds {
  /** Column names referenced directly. */
  readonly columns: ReadonlySet<string>;
  /** Tags of `@columnTagged`: without a column carrying each, the rule skips the source. */
  readonly tags: ReadonlySet<string>;
}

/** Checks functions, arities and argument kinds; throws `ExpressionError` naming the problem. */
export function analyze(expr: Expr, mode: ExpressionMode): ExpressionNeeds {
  const columns = new Set<string>();
  const tags = new Set<string>();
  const visit = (e: Expr, inList = false): ValueKind => {
    switch (e.k) {
      case 'string':
      case 'number':
      case 'boolean':
      case 'null':
        return 'value';
      case 'column':
        columns.add(e.name);
        return 'column';
      case 'call':
        return call(e, inList);
      case 'binary':
        scalar(e.left);
        scalar(e.right);
        return 'bool';
      case 'not':
      case 'isNull':
        scalar(e.expr);
        return 'bool';
      case 'negate':
      case 'cast':
        scalar(e.expr);
        return 'value';
      case 'in':
        scalar(e.expr);
        for (const item of e.list) visit(item, true);
        return 'bool';
      case 'case':
        if (e.operand) scalar(e.operand);
        for (const w of e.whens) (scalar(w.when), scalar(w.then));
        if (e.otherwise) scalar(e.otherwise);
        return 'value';
    }
  };
  const scalar = (e: Expr): void => {
    if (visit(e) === 'list') throw new ExpressionError(`\`${(e as { name: string }).name}()\` is a list: use it as \`x IN (${(e as { name: string }).name}())\``, -1);
  };
  const call = (e: Extract<Expr, { k: 'call' }>, inList: boolean): ValueKind => {
    const spec = functionSpec(e.name);
    if (!spec || (spec.customOnly && mode !== 'custom')) throw new ExpressionError(`unknown function \`${e.name}\``, -1);
    if (e.args.length < spec.min || e.args.length > spec.max) {
      const want = spec.min === spec.max ? `${spec.min}` : spec.max > 100 ? `at least ${spec.min}` : `${spec.min} to ${spec.max}`;
      throw new ExpressionError(`\`${e.name}\` takes ${want} argument${spec.max === 1 && spec.min === 1 ? '' : 's'}, got ${e.args.length}`, -1);
    }
    e.args.forEach((arg, i) => {
      const kind = argKind(spec, i);
      if (kind === 'string' && arg.k !== 'string') throw new ExpressionError(`argument ${i + 1} of \`${e.name}\` must be a string literal`, -1);
      if (kind === 'column' && !isColumnRef(arg)) throw new ExpressionError(`argument ${i + 1} of \`${e.name}\` must be a column, not \`${describe(arg)}\``, -1);
      scalar(arg);
    });
    if (e.name === '@columnTagged') tags.add((e.args[0] as { value: string }).value);
    if (e.name === 'regexp_replace' && e.args[1]?.k === 'string') pattern(e.args[1].value);
    if (spec.returns === 'list' && !inList) throw new ExpressionError(`\`${e.name}()\` is a list: use it as \`x IN (${e.name}())\``, -1);
    return e.name === '@iam' && e.args.length === 1 ? 'bool' : spec.returns;
  };
  visit(expr);
  return { columns, tags };
}

/** A pattern written into `regexp_replace` must be RE2 syntax, like a regex mask's. */
function pattern(text: string): void {
  try {
    linearRegex(text);
  } catch (err) {
    if (err instanceof RegexSyntaxError) throw new ExpressionError(`argument 2 of \`regexp_replace\`: ${err.message}`, -1);
    throw err;
  }
}

function isColumnRef(e: Expr): boolean {
  return e.k === 'column' || (e.k === 'call' && (e.name === '@columnTagged' || e.name === '@column'));
}

function describe(e: Expr): string {
  switch (e.k) {
    case 'string':
      return `'${e.value}'`;
    case 'number':
    case 'boolean':
      return String(e.value);
    case 'call':
      return `${e.name}(…)`;
    default:
      return e.k;
  }
}
