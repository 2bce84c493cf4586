import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dataPolicySchema, type Circumstance, type StoredPolicy } from '#shared/model/policy.ts';
import { compileSnapshot } from '#shared/policy/snapshot.ts';
import { compileTargeting } from '#shared/policy/targeting.ts';
import { domain, entitlements, source, TRUSTED } from './fixtures.ts';

const domains = new Map([['dev', domain('dev', ['Env.Dev'])]]);
const hr = source('hr', ['HR.Payroll'], { columns: [{ name: 'SSN_number', tags: ['PII.SSN'] }, { name: 'salary' }] });
const sales = source('sales', ['Sales'], { domain: 'dev', columns: [{ name: 'region', tags: ['Geo'] }] });
const devByTag = source('scratch', ['Env.Dev.Scratch']);
const all = [hr, sales, devByTag];

function targeted(circumstances: unknown[], circumstanceOperator: 'any' | 'all' = 'any'): string[] {
  const p = compileTargeting({ circumstances: circumstances as Circumstance[], circumstanceOperator });
  return all.filter((s) => p(s, domains)).map((s) => s.id);
}

describe('targeting', () => {
  it('targets every source without circumstances', () => {
    expect(targeted([])).toEqual(['hr', 'sales', 'scratch']);
  });

  it('matches source tags hierarchically, never a parent', () => {
    expect(targeted([{ type: 'tags', tag: 'HR' }])).toEqual(['hr']);
    expect(targeted([{ type: 'tags', tag: 'HR.Payroll.Monthly' }])).toEqual([]);
    expect(targeted([{ type: 'tags', tag: 'H' }])).toEqual([]);
  });

  it('matches column tags hierarchically', () => {
    expect(targeted([{ type: 'columnTags', tag: 'PII' }])).toEqual(['hr']);
    expect(targeted([{ type: 'columnTags', tag: 'Sales' }])).toEqual([]);
  });

  it('matches column names by regex, case-insensitively on demand', () => {
    expect(targeted([{ type: 'columnRegex', regex: '^ssn', caseInsensitive: false }])).toEqual([]);
    expect(targeted([{ type: 'columnRegex', regex: '^ssn', caseInsensitive: true }])).toEqual(['hr']);
  });

  it('matches a domain by name or by (hierarchical) domain tag', () => {
    expect(targeted([{ type: 'domain', domain: 'dev' }])).toEqual(['sales', 'scratch']);
  });

  it('matches listed source ids', () => {
    expect(targeted([{ type: 'dataSources', ids: ['sales', 'ghost'] }])).toEqual(['sales']);
  });

  it('combines circumstances with any or all', () => {
    const cs = [{ type: 'domain', domain: 'dev' }, { type: 'columnTags', tag: 'Geo' }];
    expect(targeted(cs, 'any')).toEqual(['sales', 'scratch']);
    expect(targeted(cs, 'all')).toEqual(['sales']);
  });
});

const TAGS = ['A', 'A.B', 'A.B.C', 'A.D', 'E', 'E.F'];
const circumstanceArb: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({ type: fc.constant('tags'), tag: fc.constantFrom(...TAGS) }),
  fc.record({ type: fc.constant('columnTags'), tag: fc.constantFrom(...TAGS) }),
  fc.record({ type: fc.constant('columnRegex'), regex: fc.constantFrom('^a', 'b$', 'x'), caseInsensitive: fc.boolean() }),
  fc.record({ type: fc.constant('domain'), domain: fc.constantFrom('d1', 'd2', 'd3') }),
  fc.record({ type: fc.constant('dataSources'), ids: fc.uniqueArray(fc.constantFrom('s0', 's1', 's2', 's3', 's9'), { minLength: 1 }) }),
);

describe('snapshot index', () => {
  it('finds exactly the policies whose targeting matches, for any circumstances (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ tags: fc.subarray(TAGS), col: fc.subarray(TAGS), name: fc.constantFrom('ab', 'Ab', 'cb', 'x'), domain: fc.option(fc.constantFrom('d1', 'd2')) }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.record({ cs: fc.array(circumstanceArb, { maxLength: 3 }), op: fc.constantFrom('any' as const, 'all' as const) }), { maxLength: 6 }),
        fc.array(fc.subarray(TAGS), { minLength: 3, maxLength: 3 }),
        (srcs, pols, domainTags) => {
          const sources = srcs.map((s, i) => source(`s${i}`, s.tags, { domain: s.domain ?? undefined, columns: [{ name: s.name, tags: s.col }] }));
          const doms = domainTags.map((t, i) => domain(`d${i + 1}`, t));
          const policies = pols.map((p, i) => entitlements(`p${i}`, { groups: ['g'] }, { circumstances: p.cs, circumstanceOperator: p.op }));
          const snap = compileSnapshot({ sources, domains: doms, policies, trustedIams: TRUSTED });
          const domMap = new Map(doms.map((d) => [d.id, d]));
          for (const s of sources) {
            const expected = policies.filter((p) => compileTargeting(p.document)(s, domMap)).map((p) => p.document.policyKey);
            expect(snap.source(s.id)?.subscriptions.map((c) => c.policy.policyKey)).toEqual(expected);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('keeps per source the applicable non-staged data policies, oldest first', () => {
    const data = (policyKey: string, createdAt: string, extra: Record<string, unknown> = {}): StoredPolicy => ({
      document: dataPolicySchema.parse({ policyKey, type: 'data', rules: [{ type: 'rowFilterByPredicate', predicate: 'true' }], ...extra }),
      version: 1,
      createdAt,
      updatedAt: createdAt,
    });
    const newer = data('newer', '2026-03-01T00:00:00Z');
    const older = data('older', '2026-02-01T00:00:00Z', { circumstances: [{ type: 'columnTags', tag: 'PII' }] });
    const staged = data('staged', '2026-01-01T00:00:00Z', { staged: true });
    const snap = compileSnapshot({ sources: all, domains: [], policies: [newer, older, staged], trustedIams: TRUSTED });
    expect(snap.source('hr')?.dataPolicies.map((p) => p.document.policyKey)).toEqual(['older', 'newer']);
    expect(snap.source('sales')?.dataPolicies.map((p) => p.document.policyKey)).toEqual(['newer']);
    expect(snap.source('sales')?.subscriptions).toEqual([]);
  });

  it('puts a source in the domains its tags name', () => {
    const snap = compileSnapshot({ sources: all, domains: [], policies: [], trustedIams: TRUSTED });
    expect(snap.source('sales')?.domains).toEqual(['dev']);
  });
});
