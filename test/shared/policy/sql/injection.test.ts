import { PGlite } from '@electric-sql/pglite';
import fc from 'fast-check';
import nodeSqlParser from 'node-sql-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type Dialect } from '#shared/model/decision.ts';
import type { Subject } from '#shared/model/identity.ts';
import { evaluateDataPlan, planDataPolicies } from '#shared/policy/data/index.ts';
import { sqlDialect } from '#shared/policy/sql/index.ts';
import { at, CREATE, enginePolicies, INSERT } from '../data/engine-fixtures.ts';
import { stored, user, TRUSTED } from '../data/fixtures.ts';

const parser = new nodeSqlParser.Parser();
// node-sql-parser's Hive grammar is the Spark SQL family it knows; it reads backslash escapes.
const DATABASE: Record<Dialect, string> = { postgres: 'PostgresQL', trino: 'Trino', snowflake: 'Snowflake', databricks: 'Hive' };
const plan = planDataPolicies(at('postgres', 'public'), enginePolicies(true), TRUSTED);
const FIXED_GROUPS = ['HR', 'Executives', 'Owners', 'Managers', 'Auditors', 'Contractors', 'Sales'];

const nasty = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.constantFrom("'", '\\', "''", "\\'", '--', '/*', '*/', '\n', '\r\n', '$$', '$tag$', '`', '"', "'; DROP TABLE hr_data; --", "') OR TRUE --", '\u0000', 'é', '😀', '\u2028', 'E\''),
);
const value = fc.array(nasty, { minLength: 1, maxLength: 4 }).map((parts) => parts.join(''));
const values = fc.uniqueArray(value.filter((v) => !FIXED_GROUPS.includes(v) && v !== 'Ohio'), { maxLength: 4 });

interface Case {
  readonly userid: string;
  readonly groups: string[];
  readonly locations: string[];
  readonly home: string[];
}

/** The same shape of user with each value replaced by a harmless one. */
function benign(c: Case): Case {
  return { userid: 'u', groups: c.groups.map((_, i) => `g${i}`), locations: c.locations.map((_, i) => `l${i}`), home: c.home.map((_, i) => `h${i}`) };
}

function subject(c: Case): Subject {
  return user(c.userid, [...c.groups, 'HR'], { 'Work Location': ['Ohio', ...c.locations], Home: c.home });
}

/** The query with the table as `schema.table`: the Hive grammar has no three-part names. */
function query(c: Case, dialect: Dialect): string {
  const r = evaluateDataPlan(plan, subject(c), dialect);
  if (dialect !== 'databricks') return r.query;
  const d = sqlDialect(dialect);
  const select = r.columns.map((col) => `${col.expression} AS ${d.ident(col.name)}`).join(', ');
  const where = r.rowFilter.expression === null ? '' : ` WHERE ${r.rowFilter.expression}`;
  return `SELECT ${select} FROM ${d.ident('public')}.${d.ident('hr_data')}${where}`;
}

/**
 * node-sql-parser's PostgreSQL and Trino grammars read `\` inside '…' as an escape, which
 * neither engine does in a plain literal (Trino never, PostgreSQL with standard strings), so a
 * backslash is mapped to a character the grammar also sees as ordinary.
 */
const LITERAL_BACKSLASH: ReadonlySet<Dialect> = new Set(['postgres', 'trino']);

/**
 * PostgreSQL literals holding a backslash are escape strings `E'…'` with every backslash and
 * quote doubled: once backslashes are mapped, dropping the `E` leaves a plain literal of the
 * same extent (and removing an `E` from inside any literal changes no quote pairing). The
 * grammar needs that: it reads `--` inside `E'…'` as a comment. The PGlite runs below check
 * what the literals mean under both settings of standard_conforming_strings.
 */
function forGrammar(sql: string, dialect: Dialect): string {
  if (!LITERAL_BACKSLASH.has(dialect)) return sql;
  const text = sql.replaceAll('\\', 'x');
  return dialect === 'postgres' ? text.replaceAll("E'", "'") : text;
}

/** The parse tree with every string literal's value blanked: what remains is structure. */
function structure(sql: string, dialect: Dialect): string {
  const ast = parser.astify(forGrammar(sql, dialect), { database: DATABASE[dialect] });
  return JSON.stringify(ast, (key, v) => (key === 'value' && typeof v === 'string' ? '?' : v));
}

const arbCase = fc.record({ userid: value, groups: values, locations: values, home: fc.array(value, { maxLength: 2 }) });

describe('user values never change the structure of the generated SQL', () => {
  it.each(DIALECTS)('%s parses to the same tree as with benign values', (dialect) => {
    fc.assert(
      fc.property(arbCase, (c) => {
        expect(structure(query(c, dialect), dialect)).toBe(structure(query(benign(c), dialect), dialect));
      }),
      { numRuns: 300 },
    );
  });

  // With `standard_conforming_strings = off` PostgreSQL reads a backslash inside '…' as an
  // escape: the same SQL must mean the same under either setting.
  describe.each(['on', 'off'])('on PostgreSQL with standard_conforming_strings = %s', (setting) => {
    let pg: PGlite;
    beforeAll(async () => {
      pg = await PGlite.create();
      await pg.exec(`${CREATE}; ${INSERT}; SET standard_conforming_strings = ${setting}`);
      expect((await pg.query('SHOW standard_conforming_strings')).rows).toEqual([{ standard_conforming_strings: setting }]);
    });
    afterAll(() => pg.close());
    const run = async (x: Case) => (await pg.query(evaluateDataPlan(plan, subject(x), 'postgres').query)).rows;

    it('executes and returns the rows the benign query returns', async () => {
      await fc.assert(
        fc.asyncProperty(arbCase, async (c) => {
          expect(await run(c)).toEqual(await run(benign(c)));
          expect((await pg.query('SELECT count(*)::int AS n FROM hr_data')).rows).toEqual([{ n: 4 }]);
        }),
        { numRuns: 150 },
      );
    });

    it.each(["\\')) OR TRUE --", "\\'))) OR TRUE --", "\\')))) OR TRUE --"])('does not let the location `%s` past a row filter', async (location) => {
      const rule = { type: 'rowFilterByEntitlement', matches: [{ type: 'attribute', attribute: 'Work Location', columnTag: 'Discovered.Entity.Location' }] };
      const byLocation = planDataPolicies(at('postgres', 'public'), [stored({ policyKey: 'rows', type: 'data', rules: [rule] })], TRUSTED);
      const rows = async (where: string) => (await pg.query(evaluateDataPlan(byLocation, user('u', [], { 'Work Location': [where] }), 'postgres').query)).rows;
      expect(await rows(location)).toEqual([]);
      expect(await rows('Texas')).toHaveLength(1);
    });

    it('passes a regex mask its backslashes as written', async () => {
      const digits = stored({ policyKey: 'digits', type: 'data', rules: [{ type: 'masking', fields: [{ type: 'columnNames', names: ['phone'] }], masking: { type: 'regex', pattern: '\\d', replacement: '#' } }] });
      const query = evaluateDataPlan(planDataPolicies(at('postgres', 'public'), [digits], TRUSTED), user('u'), 'postgres').query;
      expect((await pg.query(`${query} ORDER BY "id" LIMIT 1`)).rows).toMatchObject([{ phone: '###-####' }]);
    });
  });
});
