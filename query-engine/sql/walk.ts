import type { ColumnRef, FuncCall, Node, RangeTableSample, RangeVar, SelectStmt, SQLValueFunction } from 'libpg-query';
import { RefusedError } from '../errors.ts';

/** What a pass over a query does at the nodes the engine cares about; `undefined` keeps a node as it is. */
export interface Visitor {
  /** A table reference that is not a CTE in scope; `sample` when it stands in a TABLESAMPLE. */
  table(ref: RangeVar, sample: RangeTableSample | undefined): Node | undefined;
  /** A function call, its arguments already visited. */
  func(call: FuncCall): Node | undefined;
  /** `current_user`, `session_user`, `current_date`… */
  sqlValue(value: SQLValueFunction): Node | undefined;
  /** A column reference. */
  column(ref: ColumnRef): Node | undefined;
}

/** The CTE names visible at a point of a query, innermost first. */
class Scope {
  constructor(
    private readonly names: ReadonlySet<string>,
    private readonly parent?: Scope,
  ) {}

  static readonly EMPTY = new Scope(new Set());

  has(name: string): boolean {
    return this.names.has(name) || (this.parent?.has(name) ?? false);
  }

  with(names: readonly string[]): Scope {
    return names.length ? new Scope(new Set(names), this) : this;
  }
}

/** Statements that change data: refused wherever they hide in a query (a data-modifying CTE). */
const WRITES = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']);

type Obj = Record<string, unknown>;

/**
 * Walks a parse tree, calling the visitor at every table reference, function call, SQL value
 * function and column reference, and returns the tree with the visitor's replacements. Nothing
 * is changed in place: only the nodes on the way to a replacement are copied, so parse trees
 * can be cached and shared. CTE names are scoped as PostgreSQL scopes them (a non-recursive
 * CTE sees those before it, a recursive one all of its list, the query body all), so an
 * unqualified name is a CTE exactly where PostgreSQL would read it as one, and a table elsewhere.
 */
export function transform(node: Node, visitor: Visitor): Node {
  return walk(node, Scope.EMPTY, visitor) as Node;
}

function walk(value: unknown, scope: Scope, v: Visitor): unknown {
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const next = walk(value[i], scope, v);
      if (next !== value[i]) (out ??= value.slice())[i] = next;
    }
    return out ?? value;
  }
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Obj;
  if (obj.RangeVar) return tableRef(obj.RangeVar as RangeVar, undefined, scope, v) ?? value;
  if (obj.RangeTableSample) {
    const sample = obj.RangeTableSample as RangeTableSample;
    const rel = sample.relation as Obj | undefined;
    if (rel?.RangeVar) return tableRef(rel.RangeVar as RangeVar, sample, scope, v) ?? value;
  }
  if (obj.SelectStmt) {
    const next = select(obj.SelectStmt as SelectStmt, scope, v);
    return next === obj.SelectStmt ? value : { SelectStmt: next };
  }
  for (const key of Object.keys(obj)) if (WRITES.has(key)) throw new RefusedError(`a data-modifying statement inside a query is not allowed: the query engine is read-only`);
  const walked = fields(obj, scope, v);
  if (walked.FuncCall) return v.func(walked.FuncCall as FuncCall) ?? walked;
  if (walked.SQLValueFunction) return v.sqlValue(walked.SQLValueFunction as SQLValueFunction) ?? walked;
  if (walked.ColumnRef) return v.column(walked.ColumnRef as ColumnRef) ?? walked;
  return walked;
}

/** Every field walked; the object itself when none changed. */
function fields(obj: Obj, scope: Scope, v: Visitor): Obj {
  let out: Obj | undefined;
  for (const key of Object.keys(obj)) {
    const next = walk(obj[key], scope, v);
    if (next !== obj[key]) (out ??= { ...obj })[key] = next;
  }
  return out ?? obj;
}

function tableRef(ref: RangeVar, sample: RangeTableSample | undefined, scope: Scope, v: Visitor): Node | undefined {
  // A qualified name is never a CTE; an unqualified one is when a CTE of that name is in scope.
  if (!ref.schemaname && !ref.catalogname && ref.relname !== undefined && scope.has(ref.relname)) return undefined;
  return v.table(ref, sample);
}

/** The parts of a SELECT the generic walk must not reach: its CTE list and set-operation arms are scoped here. */
const SCOPED = new Set(['withClause', 'larg', 'rarg']);

function select(stmt: SelectStmt, scope: Scope, v: Visitor): SelectStmt {
  let out: SelectStmt | undefined;
  const set = <K extends keyof SelectStmt>(key: K, value: SelectStmt[K]) => void ((out ??= { ...stmt })[key] = value);
  let inner = scope;
  const withClause = stmt.withClause;
  if (withClause?.ctes?.length) {
    const ctes = withClause.ctes;
    const names = ctes.map((c) => ('CommonTableExpr' in c ? (c.CommonTableExpr.ctename ?? '') : ''));
    let changed: Node[] | undefined;
    ctes.forEach((cte, i) => {
      const visible = withClause.recursive ? names : names.slice(0, i);
      const next = walk(cte, scope.with(visible), v) as Node;
      if (next !== cte) (changed ??= ctes.slice())[i] = next;
    });
    if (changed) set('withClause', { ...withClause, ctes: changed });
    inner = scope.with(names);
  }
  for (const side of ['larg', 'rarg'] as const) {
    const arm = stmt[side];
    if (!arm) continue;
    const next = select(arm, inner, v);
    if (next !== arm) set(side, next);
  }
  for (const key of Object.keys(stmt) as (keyof SelectStmt)[]) {
    if (SCOPED.has(key)) continue;
    const next = walk(stmt[key], inner, v);
    if (next !== stmt[key]) set(key, next as never);
  }
  return out ?? stmt;
}
