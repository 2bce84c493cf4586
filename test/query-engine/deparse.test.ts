import fc from 'fast-check';
import { kwlist } from '@pgsql/quotes';
import { parseSync, type Node } from 'libpg-query';
import { deparseSync } from 'pgsql-deparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { deparse, plainTree, sameTree } from '#query-engine/sql/deparse.ts';
import { loadParser } from '#query-engine/sql/parse.ts';

beforeAll(() => loadParser());

const tree = (sql: string): Node => parseSync(sql).stmts![0]!.stmt!;
const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;
const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** Names of every kind: plain, every unreserved keyword, reserved ones, upper case, quotes and SQL. */
const name = fc.oneof(
  fc.constantFrom(...kwlist.UNRESERVED_KEYWORD),
  fc.constantFrom('x', 'orders', 'first', 'name', 'text', 'rows', 'range', 'groups', 'cycle', 'select', 'from', 'ABC', 'Abc', 'cross', 'left', 'int', 'a b', 'x"y', "x'y", 'x AS (SELECT 1), y', '1x', '_ok', 'é', '$x'),
  fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_$]{0,8}$/),
);
const value = fc.oneof(fc.constantFrom('plain', "it's", '\\', '\\x', '', '--', '/*', '$$', 'é'), fc.string({ maxLength: 8 }));

describe('the deparser is trusted only with plain trees', () => {
  it('whenever a tree counts as plain, what the deparser writes reads back as that very tree', () => {
    fc.assert(
      fc.property(name, name, name, name, value, fc.integer({ min: -5, max: 5 }), (cte, alias, column, window, v, n) => {
        const [c, a, col, w] = [cte, alias, column, window].map(ident);
        const sql =
          `WITH ${c} (${col}) AS (SELECT 1) SELECT ${a}.${col} AS ${w}, ${n} - ${n}, - ${n}, count(*) OVER (${w} ORDER BY 1), f.${col} ` +
          `FROM ${c} AS ${a} JOIN ${c} AS ${w} USING (${col}) CROSS JOIN LATERAL (SELECT ${a}.${col} AS ${col}) AS f (${col}) ` +
          `WHERE ${a}.${col}::text <> ${literal(v)} GROUP BY 1, 2, f.${col} HAVING count(*) > 0 WINDOW ${w} AS (PARTITION BY 1) ORDER BY ${w} DESC NULLS LAST`;
        const t = tree(sql);
        if (!plainTree(t)) return;
        expect(sameTree(tree(deparseSync(t, { pretty: false })), t)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('a name the deparser writes unquoted is read back when it is not plain: folded or keyword CTE names are refused', () => {
    for (const cte of ['ABC', 'select', 'x AS (SELECT 1), y']) {
      expect(() => deparse([tree(`WITH ${ident(cte)} AS (SELECT 1) SELECT * FROM ${ident(cte)}`)])).toThrow(expect.objectContaining({ sqlstate: '0A000' }));
    }
    expect(deparse([tree('WITH first AS (SELECT 1) SELECT * FROM first')])).toBe('WITH first AS (SELECT 1) SELECT * FROM first');
  });

  it('a quoted name, a literal with a quote or backslash, or an operator it does not know make a tree not plain', () => {
    expect(plainTree(tree("SELECT o.amount, -1.5e-3, count(*) FROM crm.orders o WHERE o.region = ANY (ARRAY['Ohio']) AND o.amount::text <> 'x'"))).toBe(true);
    expect(plainTree(tree('SELECT "Amount" FROM crm.orders'))).toBe(false);
    expect(plainTree(tree("SELECT 1 FROM crm.orders WHERE region = 'it''s'"))).toBe(false);
    expect(plainTree(tree("SELECT 1 FROM crm.orders WHERE region = E'\\\\'"))).toBe(false);
    expect(plainTree(tree('SELECT 1 AS "select"'))).toBe(false);
    expect(plainTree(tree('SELECT 1 FROM t AS "JOIN_INNER"'))).toBe(false);
  });

  it('trees compare equal wherever they were written, and differ by one name', () => {
    expect(sameTree(tree('SELECT a FROM t WHERE b = 1'), tree('SELECT   a\nFROM t   WHERE b = 1'))).toBe(true);
    expect(sameTree(tree('SELECT a FROM t WHERE b = 1'), tree('SELECT a FROM t WHERE c = 1'))).toBe(false);
    expect(sameTree(tree('SELECT a FROM t'), tree('SELECT a FROM t WHERE true'))).toBe(false);
  });
});
