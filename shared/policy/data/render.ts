import type { Subject } from '#shared/model/identity.ts';
import type { Expr } from './ast.ts';
import type { SqlDialect } from '../sql/dialect.ts';
import { booleanLiteral, inList, numberLiteral } from '../sql/literals.ts';
import { hasAttributeValue } from '../conditions.ts';
import { RuleNotApplicableError } from './errors.ts';
import { assemble, run, type Piece, type Sql } from './template.ts';

/** How names in an expression resolve on one data source. */
export interface RenderContext {
  readonly d: SqlDialect;
  /** The quoted column for a name written in the expression; throws when there is none. */
  column(name: string): string;
  /** The quoted column carrying `tag`; throws `RuleNotApplicableError` when there is none. */
  columnTagged(tag: string): string;
  /** The masked column, for `@column` in a custom mask. */
  readonly masked?: string;
}

/**
 * Writes an analysed expression as dialect SQL. Only grammar tokens are written: columns are
 * re-quoted, literals re-escaped, and user values enter only as escaped literals.
 */
export function render(expr: Expr, ctx: RenderContext): Sql {
  return assemble(pieces(expr, ctx));
}

function pieces(e: Expr, ctx: RenderContext): Piece[] {
  const sub = (x: Expr) => pieces(x, ctx);
  switch (e.k) {
    case 'string':
      return [ctx.d.string(e.value)];
    case 'number':
      return [numberLiteral(e.value)];
    case 'boolean':
      return [booleanLiteral(e.value)];
    case 'null':
      return ['NULL'];
    case 'column':
      return [ctx.column(e.name)];
    case 'binary':
      return ['(', ...sub(e.left), ` ${e.op} `, ...sub(e.right), ')'];
    case 'not':
      return ['(NOT ', ...sub(e.expr), ')'];
    case 'negate':
      return ['(-', ...sub(e.expr), ')'];
    case 'isNull':
      return ['(', ...sub(e.expr), e.negated ? ' IS NOT NULL)' : ' IS NULL)'];
    case 'cast':
      return ['CAST(', ...sub(e.expr), ` AS ${e.type})`];
    case 'case': {
      const out: Piece[] = ['(CASE'];
      if (e.operand) out.push(' ', ...sub(e.operand));
      for (const w of e.whens) out.push(' WHEN ', ...sub(w.when), ' THEN ', ...sub(w.then));
      if (e.otherwise) out.push(' ELSE ', ...sub(e.otherwise));
      out.push(' END)');
      return out;
    }
    case 'in':
      return [inPiece(e, ctx)];
    case 'call':
      return call(e, ctx);
  }
}

type ListItem = Sql | { readonly list: (s: Subject) => Iterable<string> };

function inPiece(e: Extract<Expr, { k: 'in' }>, ctx: RenderContext): Piece {
  const head = render(e.expr, ctx);
  const items: ListItem[] = e.list.map((item) => listFunction(item) ?? render(item, ctx));
  const op = e.negated ? ' NOT IN (' : ' IN (';
  const empty = booleanLiteral(e.negated);
  const dynamic = typeof head !== 'string' || items.some((i) => typeof i !== 'string');
  const write = (s: Subject): string => {
    let list = '';
    for (const item of items) {
      if (typeof item === 'object') {
        for (const v of item.list(s)) list += list ? `, ${ctx.d.string(v)}` : ctx.d.string(v);
      } else {
        const text = run(item, s);
        list += list ? `, ${text}` : text;
      }
    }
    return list ? `(${run(head, s)}${op}${list}))` : empty;
  };
  // Without user-dependent parts the list is written once, here.
  return dynamic ? write : write(NO_SUBJECT);
}

const NO_SUBJECT: Subject = { iamid: '', userid: '', active: false, groups: new Set(), attributes: new Map() };

/** A column reference is never user-dependent. */
function fixed(sql: Sql): string {
  return typeof sql === 'string' ? sql : sql(NO_SUBJECT);
}

function listFunction(e: Expr): { list: (s: Subject) => Iterable<string> } | null {
  if (e.k !== 'call') return null;
  if (e.name === 'list_groups') return { list: (s) => s.groups };
  if (e.name === 'list_attributes' || e.name === 'list_attrs') return { list: attributeNames };
  return null;
}

function* attributeNames(s: Subject): Iterable<string> {
  for (const [name, values] of s.attributes) if (values.size > 0) yield name;
}

function call(e: Extract<Expr, { k: 'call' }>, ctx: RenderContext): Piece[] {
  const d = ctx.d;
  const str = (i: number) => (e.args[i] as { value: string }).value;
  const a0 = e.args[0]?.k === 'string' ? e.args[0].value : '';
  const bool = (test: (s: Subject) => boolean): Piece[] => [(s) => booleanLiteral(test(s))];
  switch (e.name) {
    case '@columnTagged':
      return [ctx.columnTagged(a0)];
    case '@column':
      if (ctx.masked === undefined) throw new RuleNotApplicableError('`@column` outside a mask');
      return [ctx.masked];
    case '@attributeValuesContains': {
      const col = fixed(render(e.args[1]!, ctx));
      return [(s) => `(${inList(d, col, s.attributes.get(a0) ?? [])})`];
    }
    case '@groupsContains': {
      const col = fixed(render(e.args[0]!, ctx));
      return [(s) => `(${inList(d, col, s.groups)})`];
    }
    case '@username':
      return [(s) => d.string(s.userid)];
    case '@iam':
      if (e.args.length === 1) return bool((s) => s.iamid === a0);
      return [(s) => d.string(s.iamid)];
    case '@hasAttribute': {
      const value = str(1);
      return bool((s) => hasAttributeValue(s, a0, value));
    }
    case '@isInGroups': {
      const groups = e.args.map((_, i) => str(i));
      return bool((s) => groups.every((g) => s.groups.has(g)));
    }
    case 'has_group':
      return bool((s) => s.groups.has(a0));
    case 'has_attribute':
    case 'has_attr':
      return bool((s) => (s.attributes.get(a0)?.size ?? 0) > 0);
    case 'get_attribute':
    case 'get_attr':
      return [(s) => firstValue(d, s, a0)];
    default: {
      const out: Piece[] = [`${e.name}(`];
      e.args.forEach((arg, i) => out.push(...(i ? [', '] : []), ...pieces(arg, ctx)));
      out.push(')');
      return out;
    }
  }
}

/** Canner's `get_attribute` returns one value: with several, the smallest, so it is stable. */
function firstValue(d: SqlDialect, s: Subject, key: string): string {
  const values = s.attributes.get(key);
  if (!values || values.size === 0) return 'NULL';
  let first: string | undefined;
  for (const v of values) if (first === undefined || v < first) first = v;
  return d.string(first!);
}
