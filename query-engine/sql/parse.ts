import { LRUCache } from 'lru-cache';
import { hasSqlDetails, loadModule, parseSync, scanSync, type RawStmt } from 'libpg-query';
import { SqlSyntaxError } from '../errors.ts';

/** How many distinct statement texts keep their parse tree: prepared statements and BI tools repeat text. */
const CACHE_ENTRIES = 2000;
/** Longer texts are parsed every time: caching them would let one client fill memory. */
const CACHEABLE_LENGTH = 64 * 1024;

const cache = new LRUCache<string, readonly RawStmt[]>({ max: CACHE_ENTRIES });

/** Loads the PostgreSQL parser (WASM) once per process; every other function here needs it done. */
export function loadParser(): Promise<void> {
  return loadModule();
}

/**
 * The statements of a text, parsed by the real PostgreSQL parser (libpg_query). The trees are
 * cached by text and shared: nothing may change them (the rewrite copies what it replaces).
 */
export function parseStatements(text: string): readonly RawStmt[] {
  const hit = cache.get(text);
  if (hit) return hit;
  // The parser refuses an empty text; PostgreSQL answers it with EmptyQueryResponse.
  if (!text.trim()) return [];
  let stmts: readonly RawStmt[];
  try {
    stmts = Object.freeze(parseSync(text).stmts ?? []);
  } catch (err) {
    if (hasSqlDetails(err)) throw new SqlSyntaxError(err.sqlDetails?.message ?? err.message, (err.sqlDetails?.cursorPosition ?? 0) + 1);
    throw err;
  }
  if (text.length <= CACHEABLE_LENGTH) cache.set(text, stmts);
  return stmts;
}

/** A Canner `IMPERSONATE "user"` statement at the start of a text, and where the rest begins. */
export interface LeadingImpersonate {
  readonly userid: string;
  readonly rest: string;
}

/** The identifier a scanned IDENT token names: quoted exactly (`""` is `"`), unquoted folded to lower case as PostgreSQL folds it. */
function identifier(text: string): string {
  return text.startsWith('"') ? text.slice(1, -1).replaceAll('""', '"') : text.toLowerCase();
}

/**
 * Recognises `IMPERSONATE "jdoe"` (seed 002), which is not PostgreSQL grammar, with the real
 * scanner: the keyword, one identifier, then `;` or the end. Anything else is not one.
 */
export function leadingImpersonate(text: string): LeadingImpersonate | undefined {
  let tokens;
  try {
    tokens = scanSync(text).tokens;
  } catch {
    return undefined;
  }
  const [keyword, user, end] = tokens;
  if (!keyword || keyword.tokenName !== 'IDENT' || keyword.text.toLowerCase() !== 'impersonate') return undefined;
  if (!user || user.tokenName !== 'IDENT') return undefined;
  if (end && end.text !== ';') return undefined;
  return { userid: identifier(user.text), rest: end ? text.slice(end.end) : '' };
}
