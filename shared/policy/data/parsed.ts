import type { Expr } from './ast.ts';
import { analyze, type ExpressionMode } from './analyze.ts';
import { parseExpression } from './parse.ts';

const cache = new Map<string, Expr>();
const CACHE_LIMIT = 10_000;

/**
 * Parses and analyses expression text, remembering the result: a snapshot plans every source
 * with the same few policies, so each text is parsed once rather than once per source.
 */
export function parsedExpression(text: string, mode: ExpressionMode): Expr {
  const key = `${mode}\u0000${text}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const expr = parseExpression(text);
  analyze(expr, mode);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, expr);
  return expr;
}
