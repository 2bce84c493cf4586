import type { Alias, Node, RangeTableSample, RangeVar, SelectStmt } from 'libpg-query';
import { parseStatements } from './parse.ts';

/**
 * The SELECT of a decision's secure-view query (`SELECT <masked columns> FROM <table> WHERE
 * <row filter>`, written by the policy engine with every user value an escaped literal), parsed
 * once per distinct text by the same parser as the client's SQL.
 */
function decisionSelect(query: string): SelectStmt {
  const [stmt] = parseStatements(query);
  if (!stmt?.stmt || !('SelectStmt' in stmt.stmt)) throw new Error('a decision query is not a select');
  return stmt.stmt.SelectStmt;
}

/**
 * A table reference replaced by the subquery of its decision: the reference's alias (or its own
 * name) names the subquery, so the rest of the query reads the masked columns under the names
 * it used, and its predicates see the masked values. `ONLY` and `TABLESAMPLE` move inside.
 */
export function subqueryFor(ref: RangeVar, sample: RangeTableSample | undefined, decisionQuery: string): Node {
  const select = decisionSelect(decisionQuery);
  let from = select.fromClause;
  const inner = from?.[0];
  if (inner && 'RangeVar' in inner) {
    // The table is the session's database's (the engine resolved it there): named by schema and table only.
    const { catalogname: _database, ...table } = inner.RangeVar;
    const rel: Node = { RangeVar: { ...table, inh: ref.inh ?? true } };
    from = [sample ? { RangeTableSample: { ...sample, relation: rel } } : rel, ...from!.slice(1)];
  }
  const alias: Alias = ref.alias ?? { aliasname: ref.relname ?? '' };
  return { RangeSubselect: { subquery: { SelectStmt: from === select.fromClause ? select : { ...select, fromClause: from } }, alias } };
}

/** A relation read as it is, schema-qualified so the backend reads the very relation the engine resolved. */
export function qualified(ref: RangeVar, sample: RangeTableSample | undefined, schema: string): Node {
  const rel: Node = { RangeVar: { ...ref, schemaname: schema } };
  return sample ? { RangeTableSample: { ...sample, relation: rel } } : rel;
}
