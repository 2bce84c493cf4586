import { describe, expect, it } from 'vitest';
import { dataPolicySchema, type StoredPolicy } from '#shared/model/policy.ts';
import { compileSnapshot } from '#shared/policy/snapshot.ts';
import { simulate, sourcesToCompare } from '#shared/policy/simulate.ts';
import { entitlements, policy, source, subject, TRUSTED } from './fixtures.ts';

const sources = [source('hr', ['HR']), source('sales', ['Sales']), source('ops', ['Ops'])];
const legal = subject('ana', { groups: ['Legal'], attributes: { Country: ['US'] } });
const french = subject('jean', { groups: ['Legal'], attributes: { Country: ['France'] } });
const inactive = subject('old', { groups: ['Legal'], attributes: { Country: ['France'] }, active: false });
const hrPolicy = (countries: string[]) =>
  entitlements('hr-country', { attributes: countries.map((value) => ({ name: 'Country', value })) }, { circumstances: [{ type: 'tags', tag: 'HR' }] });
const salesPolicy = entitlements('sales', { groups: ['Legal'] }, { circumstances: [{ type: 'tags', tag: 'Sales' }] });

function snap(policies: StoredPolicy[], previous?: ReturnType<typeof compileSnapshot>) {
  return compileSnapshot({ sources, domains: [], policies, trustedIams: TRUSTED }, previous);
}

describe('simulate', () => {
  it('reports only the users whose access changes, with a summary', () => {
    const before = snap([hrPolicy(['US']), salesPolicy]);
    const after = snap([hrPolicy(['US', 'France']), salesPolicy], before);
    const result = simulate(before, after, [legal, french, inactive]);
    expect(result.changes).toEqual([
      { user: { iamid: 'bim', userid: 'jean' }, dataSource: 'hr', before: { access: 'denied', discoverable: false }, after: { access: 'granted', discoverable: true } },
    ]);
    expect(result.summary).toEqual({ gained: 1, lost: 0, masksChanged: 0, rowFiltersChanged: 0, usersEvaluated: 3, dataSourcesEvaluated: 3 });
  });

  it('counts losses when a guard is added and limits to the requested sources', () => {
    const before = snap([hrPolicy(['US', 'France']), salesPolicy]);
    const guard = entitlements('us-only', { attributes: [{ name: 'Country', value: 'US' }] }, { merge: 'alwaysRequired' });
    const after = snap([hrPolicy(['US', 'France']), salesPolicy, guard], before);
    // jean loses hr and sales; on ops, which had no policy, the guard alone now decides for ana.
    const result = simulate(before, after, [legal, french]);
    expect(result.changes.map((c) => `${c.user.userid}@${c.dataSource}:${c.after.access}`).sort()).toEqual(['ana@ops:granted', 'jean@hr:denied', 'jean@sales:denied']);
    expect(result.summary).toMatchObject({ gained: 1, lost: 2 });
    const onlySales = simulate(before, after, [legal, french], ['sales']);
    expect(onlySales.changes.map((c) => `${c.user.userid}@${c.dataSource}`)).toEqual(['jean@sales']);
    expect(onlySales.summary.dataSourcesEvaluated).toBe(1);
  });

  it('reports discovery-only changes without counting them as gains', () => {
    const before = snap([salesPolicy]);
    const discoverable = entitlements('sales', { groups: ['Legal'] }, { circumstances: [{ type: 'tags', tag: 'Sales' }], allowDiscovery: true });
    const result = simulate(before, snap([discoverable], before), [subject('nobody')]);
    expect(result.changes).toEqual([
      { user: { iamid: 'bim', userid: 'nobody' }, dataSource: 'sales', before: { access: 'denied', discoverable: false }, after: { access: 'denied', discoverable: true } },
    ]);
    expect(result.summary.gained).toBe(0);
  });

  it('skips sources whose applicable policies did not change', () => {
    const before = snap([hrPolicy(['US']), salesPolicy]);
    expect(sourcesToCompare(before, snap([hrPolicy(['US', 'France']), salesPolicy], before))).toEqual(['hr']);
    expect(sourcesToCompare(before, snap([hrPolicy(['US']), salesPolicy]))).toEqual([]);
    // A staged change is not enforced, so it changes nothing.
    const staged = entitlements('new', { groups: ['X'] }, { merge: 'alwaysRequired', staged: true });
    expect(sourcesToCompare(before, snap([hrPolicy(['US']), salesPolicy, staged]))).toEqual([]);
    expect(sourcesToCompare(before, snap([hrPolicy(['US'])]))).toEqual(['sales']);
  });

  // How long this takes is measured by `npm run bench:simulate`, never here: the machines are shared.
  it('finds every pair a guard on all of 2,000 sources takes from 5,000 users', () => {
    const many = Array.from({ length: 2000 }, (_, i) => source(`s${i}`, [`Dept.D${i % 40}.Team${i % 7}`]));
    const users = Array.from({ length: 5000 }, (_, i) =>
      subject(`u${i}`, { groups: [`G${i % 50}`], attributes: { Dept: [`Dept.D${i % 40}`], Country: [i % 3 ? 'US' : 'France'] } }),
    );
    const base: StoredPolicy[] = Array.from({ length: 40 }, (_, d) =>
      entitlements(`dept-${d}`, { advanced: "@hasTagAsAttribute('Dept', 'dataSource')", groups: [`G${d}`] }, { circumstances: [{ type: 'tags', tag: `Dept.D${d}` }] }),
    );
    const open = policy({ policyKey: 'open', actions: { type: 'anyone' } });
    const before = compileSnapshot({ sources: many, domains: [], policies: [...base, open], trustedIams: TRUSTED });
    // Worst case: a new guard on every source, so no source can be skipped.
    const guard = entitlements('guard', { attributes: [{ name: 'Country', value: 'US' }] }, { merge: 'alwaysRequired' });
    const after = compileSnapshot({ sources: many, domains: [], policies: [...base, open, guard], trustedIams: TRUSTED }, before);
    const result = simulate(before, after, users);
    expect(result.summary.lost).toBe(Math.ceil(5000 / 3) * 2000);
    expect(result.summary.gained).toBe(0);
  });

  it('names the columns whose action a data policy change turns, for each of 5,000 users × 2,000 sources it touches', () => {
    const columns = [{ name: 'id' }, { name: 'email', tags: ['PII.Email'] }, { name: 'ssn', tags: ['PII.SSN'] }, { name: 'amount' }];
    const many = Array.from({ length: 2000 }, (_, i) => source(`s${i}`, [`Dept.D${i % 40}`], { columns }));
    const users = Array.from({ length: 5000 }, (_, i) => subject(`u${i}`, { groups: [`G${i % 50}`] }));
    const open = policy({ policyKey: 'open', actions: { type: 'anyone' } });
    const mask = (exceptions: string[]): StoredPolicy => {
      const document = dataPolicySchema.parse({
        policyKey: 'mask-pii',
        type: 'data',
        rules: [{ type: 'masking', fields: [{ type: 'columnTags', tag: 'PII' }], masking: { type: 'hash' }, exceptions: { groups: exceptions } }],
      });
      return { document, version: exceptions.length, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z' };
    };
    const before = compileSnapshot({ sources: many, domains: [], policies: [open, mask(['G0', 'G1'])], trustedIams: TRUSTED });
    // Every source changes: G1 loses its exception (masked now), nobody else notices.
    const after = compileSnapshot({ sources: many, domains: [], policies: [open, mask(['G0'])], trustedIams: TRUSTED }, before);
    const result = simulate(before, after, users);
    expect(result.summary).toMatchObject({ gained: 0, lost: 0, masksChanged: 100 * 2000, rowFiltersChanged: 0 });
    expect(result.changes[0]!.columns).toEqual([
      { name: 'email', before: 'clear', after: 'mask' },
      { name: 'ssn', before: 'clear', after: 'mask' },
    ]);
  });
});
