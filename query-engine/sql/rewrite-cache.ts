import type { Node } from 'libpg-query';
import { LRUCache } from 'lru-cache';
import { deparse } from './deparse.ts';
import { rewrite, type Analysis } from './rewrite.ts';
import type { UserContext } from './user-context.ts';

/**
 * How many rewritten statements are kept: BI tools repeat their statements, and a prepared
 * statement is planned at Parse and again at every Bind.
 */
const ENTRIES = 2000;

const cache = new LRUCache<string, string>({ max: ENTRIES });
/** A number for each parse tree (trees are shared per text by the parse cache, and never changed). */
const treeIds = new WeakMap<Node, number>();
let lastTreeId = 0;

/** Everything the rewrite of a tree reads, as one string: equal keys give the same SQL, since `rewrite` and `deparse` are pure. */
function keyOf(node: Node, analysis: Analysis, secureQueries: ReadonlyMap<string, string>, user: UserContext): string {
  let id = treeIds.get(node);
  if (id === undefined) treeIds.set(node, (id = ++lastTreeId));
  const s = user.subject;
  // The user's values reach the SQL only through the functions that name the user.
  const who = analysis.namesUser ? [user.currentUser, user.sessionUser, user.settings, [...(s?.groups ?? [])], [...(s?.attributes ?? [])].map(([k, v]) => [k, [...v]])] : null;
  return JSON.stringify([id, [...analysis.refs.values()], analysis.sourceIds.map((sourceId) => secureQueries.get(sourceId)), who]);
}

/**
 * The SQL of a query rewritten for a user (`rewrite`, then `deparse` with its read-back check),
 * computed once per distinct input: the same statement with the same resolution, decisions and
 * user values is the same SQL, so a repeated query skips the rewrite and the deparser.
 */
export function rewrittenSql(node: Node, analysis: Analysis, secureQueries: ReadonlyMap<string, string>, user: UserContext): string {
  const key = keyOf(node, analysis, secureQueries, user);
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const sql = deparse([rewrite(node, analysis, secureQueries, user)]);
  cache.set(key, sql);
  return sql;
}
