import fc from 'fast-check';
import type { Node } from 'libpg-query';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Subject } from '#shared/model/identity.ts';
import { loadParser, parseStatements } from '#query-engine/sql/parse.ts';
import type { ResolveContext } from '#query-engine/sql/resolve.ts';
import { deparse } from '#query-engine/sql/deparse.ts';
import { analyze, rewrite } from '#query-engine/sql/rewrite.ts';
import { classify } from '#query-engine/sql/statements.ts';
import type { UserContext } from '#query-engine/sql/user-context.ts';

beforeAll(() => loadParser());

const SOURCES: Record<string, string> = { 'crm.customers': 'customers', 'crm.orders': 'orders' };
const ctx: ResolveContext = {
  database: 'warden',
  searchPath: ['postgres', 'public'],
  catalog: { hasRelation: (s, n) => s === 'crm' || (s === 'pg_catalog' && n === 'pg_class'), hasFunction: () => false },
  sourcesAt: (t) => (SOURCES[`${t.schema}.${t.table}`] ? [SOURCES[`${t.schema}.${t.table}`]!] : []),
  passThrough: new Set(),
};
const SECURE = new Map([
  ['customers', "SELECT id, name, 'REDACTED' AS email, address FROM warden.crm.customers"],
  ['orders', "SELECT id, customer_id, region, amount FROM warden.crm.orders WHERE region = ANY (ARRAY['Ohio', 'Michigan'])"],
]);

function userContext(groups: string[], attr: string[], userid: string): UserContext {
  const subject: Subject = { iamid: 'okta', userid, active: true, groups: new Set(groups), attributes: new Map([['Country', new Set(attr)]]) };
  return { subject, currentUser: userid, sessionUser: 'bi-tool', settings: { iamid: 'okta', userid, userid_template: '' } };
}

function rewritten(sql: string, user: UserContext): string {
  const [raw] = parseStatements(sql);
  const statement = classify(raw!.stmt!);
  if (statement.kind !== 'query') throw new Error('not a query');
  return deparse([rewrite(statement.node, analyze(statement.node, ctx), SECURE, user)]);
}

/** The tree with every name and constant blanked and positions dropped: what remains is the structure. */
function structure(sql: string): unknown {
  const blank = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(blank);
    if (v === null || typeof v !== 'object') return v;
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([k]) => !['location', 'stmt_len', 'list_start', 'list_end'].includes(k)).map(([k, x]) => [k, k === 'A_Const' || (typeof x === 'string' && /sval|aliasname|name|relname|colname/.test(k)) ? '?' : blank(x)]));
  };
  const stmts = parseStatements(sql);
  expect(stmts).toHaveLength(1);
  return blank(stmts[0]!.stmt as Node);
}

const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;
const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;
const nasty = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }).filter((s) => !s.includes('\u0000')),
  fc.constantFrom("'", '\\', '"', '""', '--', '/*', '*/', '\n', '$$', '$x$', "'; DROP TABLE crm.orders; --", '") OR TRUE --', 'é', '😀', "E'"),
);

describe('the rewrite keeps the structure of the query whatever the names and values', () => {
  it('hostile aliases, literals, group names and attribute values never change the rewritten SQL\'s structure', () => {
    fc.assert(
      fc.property(nasty, nasty, nasty, fc.uniqueArray(nasty, { maxLength: 3 }), fc.uniqueArray(nasty, { maxLength: 3 }), (alias, value, key, groups, attrs) => {
        const sql = (a: string, v: string, k: string) =>
          `WITH ${ident(`${a}_cte`)} AS (SELECT * FROM crm.orders) SELECT ${ident(a)}.name, has_group(${literal(k)}), get_attr(${literal(k)}), list_groups(), current_user FROM crm.customers AS ${ident(a)} JOIN ${ident(`${a}_cte`)} o ON o.customer_id = ${ident(a)}.id WHERE ${ident(a)}.name <> ${literal(v)}`;
        let hostile: string;
        try {
          hostile = rewritten(sql(alias, value, key), userContext(groups, attrs, `${value}@x`));
        } catch (err) {
          // What the deparser cannot write back faithfully (a CTE name it leaves unquoted) is refused, never sent.
          expect(err).toMatchObject({ sqlstate: '0A000' });
          expect(/^[a-z_][a-z0-9_]*$/.test(`${alias}_cte`)).toBe(false);
          return;
        }
        const benign = rewritten(sql('a', 'v', 'k'), userContext(groups.map((_, i) => `g${i}`), attrs.map((_, i) => `c${i}`), 'u@x'));
        expect(structure(hostile)).toEqual(structure(benign));
        expect(hostile).not.toContain('warden.crm');
      }),
      { numRuns: 200 },
    );
  });
});

describe('the deparser is checked', () => {
  it('a CTE name the deparser would write unquoted cannot smuggle SQL in: the statement is refused', () => {
    const smuggled = 'x AS (SELECT * FROM crm.orders), y';
    expect(() => rewritten(`WITH ${ident(smuggled)} AS (SELECT 1) SELECT * FROM crm.customers`, userContext([], [], 'u'))).toThrow(expect.objectContaining({ sqlstate: '0A000' }));
  });
});

describe('references', () => {
  it('a CTE of a source\'s name hides the source only where PostgreSQL would', () => {
    const sql = rewritten('WITH orders AS (SELECT 1 AS x) SELECT * FROM orders, crm.orders', userContext([], [], 'u'));
    expect(sql).toContain('FROM orders, ( SELECT id, customer_id, region, amount FROM crm.orders WHERE');
  });

  it('a recursive CTE sees itself; a non-recursive one does not see those after it', () => {
    const sql = rewritten('WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r', userContext([], [], 'u'));
    expect(sql).not.toContain('crm.');
  });

  it('keeps an alias, or names the subquery after the table', () => {
    expect(rewritten('SELECT c.name FROM crm.customers c', userContext([], [], 'u'))).toMatch(/\) AS c$/);
    expect(rewritten('SELECT customers.name FROM crm.customers', userContext([], [], 'u'))).toMatch(/\) AS customers$/);
  });

  it('system catalogs are read schema-qualified; an unknown table is 42P01', () => {
    expect(rewritten('SELECT relname FROM pg_class', userContext([], [], 'u'))).toBe('SELECT relname FROM pg_catalog.pg_class');
    expect(() => rewritten('SELECT * FROM nowhere', userContext([], [], 'u'))).toThrow(expect.objectContaining({ sqlstate: '42P01' }));
  });

  it('current_setting of a warden setting is the effective user\'s value; an unknown one is 42704 as in SHOW, NULL with missing_ok', () => {
    const user = userContext([], [], 'jdoe');
    expect(rewritten("SELECT current_setting('warden.impersonation_userid')", user)).toBe("SELECT 'jdoe'::text");
    expect(() => rewritten("SELECT current_setting('warden.nope')", user)).toThrow(expect.objectContaining({ sqlstate: '42704', message: 'unrecognized configuration parameter "warden.nope"' }));
    expect(rewritten("SELECT current_setting('warden.nope', true)", user)).toBe('SELECT NULL::text');
  });
});
