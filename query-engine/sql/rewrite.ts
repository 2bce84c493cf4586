import type { ColumnRef, FuncCall, Node, RangeVar } from 'libpg-query';
import { RefusedError } from '../errors.ts';
import { isDeniedFunction } from './functions.ts';
import { nameParts } from './nodes.ts';
import { functionAllowed, resolveTable, type ResolveContext, type Resolved } from './resolve.ts';
import { qualified, subqueryFor } from './subquery.ts';
import { isUserContextCall, sqlValueFor, userContextValue, type UserContext } from './user-context.ts';
import { transform, type Visitor } from './walk.ts';

/** What a query reads: every table reference resolved, and the data sources among them. */
export interface Analysis {
  readonly refs: ReadonlyMap<RangeVar, Resolved>;
  /** Each registered source once, in order of first reference. */
  readonly sourceIds: readonly string[];
  /** True when the query names its user: a user-context function, `current_user`, `current_setting('warden.…')`. */
  readonly namesUser: boolean;
}

const keep = () => undefined;

function checkFunction(call: FuncCall, ctx: ResolveContext): void {
  if (isUserContextCall(call)) return;
  const parts = nameParts(call.funcname) ?? [];
  const name = parts[parts.length - 1] ?? '';
  const schema = parts.length > 1 ? parts[parts.length - 2] : undefined;
  const label = `\`${parts.join('.')}\``;
  if (isDeniedFunction(name)) throw new RefusedError(`function ${label} is not allowed: it reaches server files, large objects, other sessions or the network, or runs SQL text`);
  if (!functionAllowed(schema, name, ctx)) {
    throw new RefusedError(`function ${label} is not allowed: only built-in functions and those of pass-through schemas run through the query engine`);
  }
}

/**
 * Resolves every table reference of a query and checks every function it calls, refusing what
 * may not run (42501) before anything is decided. The tree is not changed.
 */
export function analyze(node: Node, ctx: ResolveContext): Analysis {
  const refs = new Map<RangeVar, Resolved>();
  const sources: string[] = [];
  let namesUser = false;
  const visitor: Visitor = {
    table(ref) {
      const resolved = resolveTable(ref, ctx);
      refs.set(ref, resolved);
      if (resolved.kind === 'source' && !sources.includes(resolved.sourceId)) sources.push(resolved.sourceId);
      return undefined;
    },
    func(call) {
      namesUser ||= isUserContextCall(call);
      checkFunction(call, ctx);
      return undefined;
    },
    sqlValue() {
      namesUser = true;
      return undefined;
    },
    column: keep,
  };
  transform(node, visitor);
  return { refs, sourceIds: sources, namesUser };
}

/**
 * The query as the backend runs it for the effective user: each data source reference becomes
 * the subquery of its decision (`secureQueries`, by source id), each other relation is
 * schema-qualified, user-context functions and `current_user` become literals, and column
 * references qualified by a replaced table's schema lose that schema (the subquery has only a name).
 */
export function rewrite(node: Node, analysis: Analysis, secureQueries: ReadonlyMap<string, string>, user: UserContext): Node {
  const renamed = new Set<string>();
  for (const [ref, resolved] of analysis.refs) if (resolved.kind === 'source' && !ref.alias) renamed.add(`${resolved.schema}\u0000${ref.relname}`);
  const visitor: Visitor = {
    table(ref, sample) {
      const resolved = analysis.refs.get(ref);
      if (!resolved) throw new Error('a table reference was not analysed');
      if (resolved.kind === 'relation') return qualified(ref, sample, resolved.schema);
      return subqueryFor(ref, sample, secureQueries.get(resolved.sourceId)!);
    },
    func: (call) => (isUserContextCall(call) ? userContextValue(call, user) : undefined),
    sqlValue: (value) => sqlValueFor(value, user),
    column(ref: ColumnRef) {
      const f = ref.fields ?? [];
      if (f.length < 3) return undefined;
      const [schema, table] = nameParts(f.slice(f.length - 3, f.length - 1)) ?? [];
      if (schema === undefined || !renamed.has(`${schema}\u0000${table}`)) return undefined;
      return { ColumnRef: { ...ref, fields: f.slice(f.length - 2) } };
    },
  };
  return transform(node, visitor);
}
