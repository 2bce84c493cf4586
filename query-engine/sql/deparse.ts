import { keywordKindOf } from '@pgsql/quotes';
import { parseSync, type Node } from 'libpg-query';
import { deparseSync } from 'pgsql-deparser';
import { NotSupportedError } from '../errors.ts';

/**
 * Fields of the parse tree whose strings are parser enums (`JOIN_INNER`, `AEXPR_OP`): written
 * back as keywords, never as a name. Generated from `@pgsql/types` (every field typed by an enum
 * in every node that has it; `strategy` and `subtype` are strings elsewhere, so left out).
 */
const ENUM_FIELDS = new Set(
  'action aggsplit behavior boolop booltesttype btype cmptype coerceformat coercionformat coltype commandType context contype convertformat ctematerialized defaction direction encoding event format_type funcformat functype item_type jointype keywordKind kind limitOption list_type matchKind mode nulls_ordering nulltesttype objectType objtype onCommit oncommit op option ordering override paramkind pubobjtype querySource quotes relabelformat relationType removeType renameType roletype row_format rtekind sortby_dir sortby_nulls stmt_type strength subLinkType target targtype token type varreturningtype waitPolicy withCheckOption wrapper xmloption'.split(' '),
);

const ENUM_VALUE = /^[A-Za-z][A-Za-z0-9_]*$/;
/** A numeric constant as the parser gives it (`-1.5`, `2.5e-3`): the deparser writes it as it is. */
const NUMBER = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** An operator as the parser gives it; the deparser writes it between spaces. */
const OPERATOR = /^[+\-*/<>=~!@#%^&|`?]+$/;

/** Unreserved keywords the grammar reads as a frame start when bare in a window specification (`OVER (rows …)`). */
const FRAME_KEYWORDS = new Set(['rows', 'range', 'groups']);

/** What PostgreSQL's `quote_identifier` leaves unquoted (less the frame keywords): quoted or not, it reads back as the same name. */
function plainName(s: string): boolean {
  if (!/^[a-z_][a-z0-9_]*$/.test(s) || FRAME_KEYWORDS.has(s)) return false;
  const kind = keywordKindOf(s);
  return kind === 'NO_KEYWORD' || kind === 'UNRESERVED_KEYWORD';
}

/** A string constant the deparser writes between single quotes with nothing to escape. */
const plainString = (s: string) => !s.includes("'") && !s.includes('\\');

function plainConst(c: Record<string, unknown>): boolean {
  const sval = (c.sval as { sval?: string } | undefined)?.sval;
  const fval = (c.fval as { fval?: string } | undefined)?.fval;
  const bsval = (c.bsval as { bsval?: string } | undefined)?.bsval;
  return (sval === undefined || plainString(sval)) && (fval === undefined || NUMBER.test(fval)) && (bsval === undefined || /^[bx][0-9a-fA-F]*$/.test(bsval));
}

function plainOperator(names: unknown): boolean {
  if (!Array.isArray(names)) return names === undefined;
  return names.every((n: { String?: { sval?: string } }, i) => {
    const s = n.String?.sval;
    if (s === undefined) return false;
    return i === names.length - 1 ? OPERATOR.test(s) && !s.includes('--') && !s.includes('/*') : plainName(s);
  });
}

/**
 * True when every name of the tree is one PostgreSQL would not quote, every string constant has
 * nothing to escape, every number and operator is as the parser writes it, and every other string
 * is a parser enum: then no name or value can read back as anything but itself, however the
 * deparser writes it. Anything else (a quoted name, a quote in a literal, a field not known here)
 * is false, and the statement is parsed again instead.
 */
export function plainTree(value: unknown, key = ''): boolean {
  if (typeof value === 'string') return ENUM_FIELDS.has(key) ? ENUM_VALUE.test(value) : plainName(value);
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) return value.every((v) => plainTree(v, key));
  const obj = value as Record<string, unknown>;
  if (obj.A_Const) return plainConst(obj.A_Const as Record<string, unknown>);
  if (obj.A_Expr) {
    const { name, ...rest } = obj.A_Expr as Record<string, unknown>;
    return plainOperator(name) && plainTree(rest);
  }
  for (const k in obj) if (!plainTree(obj[k], k)) return false;
  return true;
}

/** Fields that say where a node was written, not what it is (`location`, `rexpr_list_start` …). */
const POSITION = /(^|_)(location|list_start|list_end)$/;
const positions = new Map<string, boolean>();
const isPosition = (key: string) => {
  let p = positions.get(key);
  if (p === undefined) positions.set(key, (p = key === 'stmt_len' || POSITION.test(key)));
  return p;
};

/** A field that counts in a comparison: not a position, not absent, not an empty list (the parser leaves those out). */
const counts = (key: string, v: unknown) => v !== undefined && !(Array.isArray(v) && v.length === 0) && !isPosition(key);

/** True when two trees are the same statement: the same fields and values, wherever they were written. */
export function sameTree(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameTree(a[i], b[i])) return false;
    return true;
  }
  const oa = a as Record<string, unknown>;
  const ob = b as Record<string, unknown>;
  let n = 0;
  for (const k in oa) {
    if (!counts(k, oa[k])) continue;
    if (!sameTree(oa[k], ob[k])) return false;
    n++;
  }
  for (const k in ob) if (counts(k, ob[k])) n--;
  return n === 0;
}

/** The deparsed text parsed again (not through the statement cache: it is not a client's text). */
function reparsed(sql: string): Node | undefined {
  try {
    const stmts = parseSync(sql).stmts ?? [];
    return stmts.length === 1 ? stmts[0]!.stmt : undefined;
  } catch {
    return undefined;
  }
}

/**
 * SQL for the backend from rewritten statements: only the deparser writes what the backend
 * reads, and what it wrote must read back as the very tree it was given. A tree of plain names
 * and values reads back as itself however it is quoted (`plainTree`); any other is parsed again
 * and compared. A deparser that left a name unquoted (pgsql-deparser writes CTE names as they
 * are) would otherwise let a client's identifier become SQL the rewrite never saw; such a
 * statement is refused instead.
 */
export function deparse(nodes: readonly Node[]): string {
  return nodes
    .map((n) => {
      const sql = deparseSync(n, { pretty: false });
      if (plainTree(n)) return sql;
      const again = reparsed(sql);
      if (!again || !sameTree(again, n)) throw new NotSupportedError('the query engine cannot write this statement back faithfully', 'use plain identifiers for CTE names and aliases');
      return sql;
    })
    .join('; ');
}
