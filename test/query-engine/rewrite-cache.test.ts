import { beforeAll, describe, expect, it } from 'vitest';
import type { Subject } from '#shared/model/identity.ts';
import { deparse } from '#query-engine/sql/deparse.ts';
import { loadParser, parseStatements } from '#query-engine/sql/parse.ts';
import type { ResolveContext } from '#query-engine/sql/resolve.ts';
import { analyze, rewrite } from '#query-engine/sql/rewrite.ts';
import { rewrittenSql } from '#query-engine/sql/rewrite-cache.ts';
import type { UserContext } from '#query-engine/sql/user-context.ts';

beforeAll(() => loadParser());

const context = (searchPath: string[]): ResolveContext => ({
  database: 'warden',
  searchPath,
  catalog: { hasRelation: (s) => s === 'crm' || s === 'sales', hasFunction: () => false },
  sourcesAt: (t) => (t.schema === 'crm' && t.table === 'orders' ? ['orders'] : []),
  passThrough: new Set(['sales']),
});
const filtered = (region: string) => new Map([['orders', `SELECT id, region FROM warden.crm.orders WHERE region = '${region}'`]]);

function user(userid: string, groups: string[], country: string[] = []): UserContext {
  const subject: Subject = { iamid: 'okta', userid, active: true, groups: new Set(groups), attributes: new Map([['Country', new Set(country)]]) };
  return { subject, currentUser: userid, sessionUser: 'bi-tool', settings: { iamid: 'okta', userid, userid_template: '' } };
}

/** The SQL through the cache, after checking it is what the rewrite writes without one. */
function cached(sql: string, ctx: ResolveContext, secure: ReadonlyMap<string, string>, u: UserContext): string {
  const node = parseStatements(sql)[0]!.stmt!;
  const analysis = analyze(node, ctx);
  const out = rewrittenSql(node, analysis, secure, u);
  expect(out).toBe(deparse([rewrite(node, analysis, secure, u)]));
  return out;
}

describe('the rewrite cache gives what the rewrite writes, whatever changed between two queries', () => {
  const text = "SELECT id, has_group('HR') AS hr, get_attr('Country') AS c, current_user AS u FROM orders";

  it('another user\'s groups, attributes or name', () => {
    const path = context(['crm']);
    const a = cached(text, path, filtered('Ohio'), user('jdoe', ['HR'], ['France']));
    expect(a).toContain('true AS hr');
    expect(cached(text, path, filtered('Ohio'), user('jdoe', ['Legal'], ['France']))).toContain('false AS hr');
    expect(cached(text, path, filtered('Ohio'), user('jdoe', ['HR'], ['Spain']))).toContain("'Spain'");
    expect(cached(text, path, filtered('Ohio'), user('bob', ['HR'], ['France']))).toContain("CAST('bob' AS name) AS u");
    expect(cached(text, path, filtered('Ohio'), user('jdoe', ['HR'], ['France']))).toBe(a);
  });

  it('another decision (a changed policy) or another resolution (the search path)', () => {
    const u = user('jdoe', []);
    expect(cached('SELECT id FROM orders', context(['crm']), filtered('Ohio'), u)).toContain("'Ohio'");
    expect(cached('SELECT id FROM orders', context(['crm']), filtered('Michigan'), u)).toContain("'Michigan'");
    expect(cached('SELECT id FROM orders', context(['sales', 'crm']), filtered('Michigan'), u)).toBe('SELECT id FROM sales.orders');
  });
});
