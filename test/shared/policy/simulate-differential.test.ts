import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DataSource } from '#shared/model/catalog.ts';
import type { Subject } from '#shared/model/identity.ts';
import { dataPolicySchema, subscriptionPolicySchema, type StoredPolicy } from '#shared/model/policy.ts';
import { compileSnapshot, deriveSnapshot, grants, simulate, sourcesToCompare, type SimulationResult, type Snapshot, type SourceEntry } from '#shared/policy/index.ts';
import { dataOutcome } from '#shared/policy/data/evaluate.ts';
import { subject, TRUSTED } from './fixtures.ts';

/*
 * The simulation skips every source a change cannot touch and, on the others, the pairs whose
 * access rules are the same on both sides. The reference here skips nothing: it compiles the
 * changed organisation from scratch and compares the full outcome of every (user, source).
 */

const TAGS = ['A', 'A.B', 'A.B.C', 'E', 'E.F'];
const SOURCE_IDS = ['s0', 's1', 's2', 's3', 's4'];
const POLICY_KEYS = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5'];
const GROUPS = ['G', 'H', 'A.B'];

const circumstance = fc.oneof(
  fc.record({ type: fc.constant('tags'), tag: fc.constantFrom(...TAGS) }),
  fc.record({ type: fc.constant('columnTags'), tag: fc.constantFrom(...TAGS) }),
  fc.record({ type: fc.constant('dataSources'), ids: fc.uniqueArray(fc.constantFrom(...SOURCE_IDS), { minLength: 1, maxLength: 2 }) }),
);

const sourceArb = (id: string, version: number): fc.Arbitrary<DataSource> =>
  fc
    .record({
      tags: fc.subarray(TAGS, { maxLength: 3 }),
      columns: fc.array(fc.subarray(TAGS, { maxLength: 2 }), { minLength: 1, maxLength: 3 }),
      disabled: fc.subarray(POLICY_KEYS, { maxLength: 2 }),
    })
    .map((s) => ({
      id,
      name: id,
      platform: 'postgres' as const,
      database: 'db',
      schema: 'public',
      table: id,
      owners: [],
      tags: s.tags,
      columns: s.columns.map((tags, i) => ({ name: `c${i}`, type: 'varchar', tags })),
      ...(s.disabled.length ? { disabledPolicies: s.disabled } : {}),
      version,
      createdAt: '2026-01-01T00:00:00Z',
      updatedAt: `2026-01-0${version}T00:00:00Z`,
    }));

const subscriptionArb = fc.record({
  merge: fc.constantFrom('alwaysRequired', 'shareResponsibility'),
  actions: fc.oneof(
    fc.constant({ type: 'anyone' }),
    fc.record({ type: fc.constant('individuals'), individuals: fc.subarray(['u0', 'u1', 'u2'], { minLength: 1 }).map((ids) => ids.map((userid) => ({ userid }))) }),
    fc.record({
      type: fc.constant('entitlements'),
      entitlements: fc.record({
        operator: fc.constantFrom('any', 'all'),
        groups: fc.subarray(GROUPS, { maxLength: 2 }),
        attributes: fc.subarray([{ name: 'Country', value: 'US' }, { name: 'Country', value: 'FR' }], { maxLength: 1 }),
        advanced: fc.option(fc.constantFrom("@hasTagAsAttribute('Country', 'dataSource')", "NOT @isInGroups('H')", '@hasTagAsGroup(\'column\')'), { nil: undefined }),
      }),
    }),
  ),
  allowDiscovery: fc.boolean(),
});

const dataRuleArb = fc.oneof(
  fc.record({ type: fc.constant('masking'), fields: fc.constant([{ type: 'columnTags', tag: 'A' }]), masking: fc.constant({ type: 'hash' }), exceptions: fc.record({ groups: fc.subarray(GROUPS, { minLength: 1, maxLength: 1 }) }) }),
  fc.constant({ type: 'rowFilterByEntitlement', matches: [{ type: 'group', columnTag: 'E' }] }),
);

const policyArb = (policyKey: string, version: number): fc.Arbitrary<StoredPolicy> =>
  fc
    .record({
      data: fc.boolean(),
      circumstances: fc.array(circumstance, { maxLength: 2 }),
      staged: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      subscription: subscriptionArb,
      rule: dataRuleArb,
      age: fc.nat(3),
    })
    .map((p) => {
      const common = { policyKey, circumstances: p.circumstances, staged: p.staged };
      const { merge, ...actions } = p.subscription;
      const document = p.data
        ? dataPolicySchema.parse({ ...common, type: 'data', rules: [p.rule] })
        : subscriptionPolicySchema.parse({ ...common, type: 'subscription', actions: { ...actions.actions, merge, allowDiscovery: actions.allowDiscovery } });
      const createdAt = `2026-01-0${1 + p.age}T00:00:00Z`;
      return { document, version, createdAt, updatedAt: createdAt };
    });

const subjectArb = (userid: string): fc.Arbitrary<Subject> =>
  fc
    .record({ groups: fc.subarray(GROUPS), countries: fc.subarray(['US', 'FR', 'A', 'E.F']), active: fc.oneof({ weight: 6, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }) })
    .map((u) => subject(userid, { groups: u.groups, attributes: { Country: u.countries }, active: u.active }));

/** Per id: absent, or an item; the change: per id, left alone, removed, or replaced. */
const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined, freq: 4 });
const collection = <T>(ids: readonly string[], arb: (id: string, version: number) => fc.Arbitrary<T>) =>
  fc.tuple(...ids.map((id) => fc.tuple(maybe(arb(id, 1)), fc.oneof({ weight: 3, arbitrary: fc.constant('keep' as const) }, { weight: 1, arbitrary: maybe(arb(id, 2)) }))));

const scenarioArb = fc.record({
  sources: collection(SOURCE_IDS, sourceArb),
  policies: collection(POLICY_KEYS, policyArb),
  subjects: fc.tuple(...['u0', 'u1', 'u2', 'u3'].map(subjectArb)),
});

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function build(s: Scenario) {
  const split = <T>(ids: readonly string[], pairs: ReadonlyArray<readonly [T | undefined, T | undefined | 'keep']>) => {
    const before = new Map<string, T>();
    const delta = new Map<string, T | undefined>();
    const after = new Map<string, T>();
    pairs.forEach(([was, change], i) => {
      const id = ids[i]!;
      if (was) before.set(id, was);
      const now = change === 'keep' ? was : change;
      if (change !== 'keep' && (was || now)) delta.set(id, now);
      if (now) after.set(id, now);
    });
    return { before: [...before.values()], delta, after: [...after.values()] };
  };
  const sources = split(SOURCE_IDS, s.sources);
  const policies = split(POLICY_KEYS, s.policies);
  const before = compileSnapshot({ sources: sources.before, domains: [], policies: policies.before, trustedIams: TRUSTED });
  const full = compileSnapshot({ sources: sources.after, domains: [], policies: policies.after, trustedIams: TRUSTED });
  return { before, full, delta: { sources: sources.delta, policies: policies.delta, domains: new Map() } };
}

type Outcome = { access: 'granted' | 'denied'; discoverable: boolean; data?: string };

function outcome(entry: SourceEntry | undefined, s: Subject): Outcome {
  if (!entry || !s.active) return { access: 'denied', discoverable: false };
  if (!grants(entry, s)) return { access: 'denied', discoverable: entry.discovery };
  return { access: 'granted', discoverable: true, data: JSON.stringify(dataOutcome(entry.dataPlan(), s)) };
}

/** Every pair of both snapshots compared in full: the changed ones as `user@source before→after`, and the counts. */
function compareEveryPair(before: Snapshot, after: Snapshot, subjects: readonly Subject[]) {
  const ids = [...new Set([...before.sourceIds, ...after.sourceIds])];
  const changes: string[] = [];
  const counts = { gained: 0, lost: 0, masksChanged: 0, rowFiltersChanged: 0 };
  for (const id of ids) {
    for (const s of subjects) {
      const was = outcome(before.source(id), s);
      const now = outcome(after.source(id), s);
      if (JSON.stringify(was) === JSON.stringify(now)) continue;
      const both = was.access === 'granted' && now.access === 'granted';
      if (!both && was.access !== now.access) counts[now.access === 'granted' ? 'gained' : 'lost']++;
      if (both) {
        const [a, b] = [JSON.parse(was.data!), JSON.parse(now.data!)];
        if (JSON.stringify(a.maskedColumns) !== JSON.stringify(b.maskedColumns)) counts.masksChanged++;
        if (a.rowFilter !== b.rowFilter) counts.rowFiltersChanged++;
      }
      changes.push(`${s.userid}@${id} ${label(was, both)}→${label(now, both)}`);
    }
  }
  return { changes: changes.sort(), counts };
}

const label = (o: Outcome, withData: boolean): string => `${o.access}/${o.discoverable}${withData ? ` ${o.data}` : ''}`;

/** The same shape from a simulation's answer. */
function observed(result: SimulationResult) {
  const changes = result.changes.map((c) => {
    const both = c.before.access === 'granted' && c.after.access === 'granted';
    const side = (o: typeof c.before): Outcome => ({ access: o.access, discoverable: o.discoverable, ...(both ? { data: JSON.stringify({ maskedColumns: o.maskedColumns, rowFilter: o.rowFilter }) } : {}) });
    return `${c.user.userid}@${c.dataSource} ${label(side(c.before), both)}→${label(side(c.after), both)}`;
  });
  const { gained, lost, masksChanged, rowFiltersChanged } = result.summary;
  return { changes: changes.sort(), counts: { gained, lost, masksChanged, rowFiltersChanged } };
}

describe('simulation over the sources a change touches', () => {
  it('simulate equals comparing every pair (property): derived snapshot, skipped sources and all', () => {
    let changed = 0;
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { before, full, delta } = build(s);
        const reference = compareEveryPair(before, full, s.subjects);
        const fast = simulate(before, deriveSnapshot(before, delta), s.subjects);
        changed += reference.changes.length;
        expect(observed(fast)).toEqual(reference);
        expect(fast.summary.usersEvaluated).toBe(s.subjects.length);
        expect(fast.summary.dataSourcesEvaluated).toBe(new Set([...before.sourceIds, ...full.sourceIds]).size);
      }),
      { numRuns: 400 },
    );
    // The generator must produce changes that matter, not only no-ops.
    expect(changed).toBeGreaterThan(400);
  });

  it('a limit lists the first changes and counts every one (property)', () => {
    let cut = 0;
    fc.assert(
      fc.property(scenarioArb, fc.nat(12), (s, limit) => {
        const { before, delta } = build(s);
        const after = deriveSnapshot(before, delta);
        const all = simulate(before, after, s.subjects);
        const limited = simulate(before, after, s.subjects, undefined, { limit });
        if (all.changes.length > limit) cut++;
        expect(all.changesOmitted).toBe(0);
        expect(limited.changes).toEqual(all.changes.slice(0, limit));
        expect(limited.changesOmitted).toBe(Math.max(0, all.changes.length - limit));
        expect(limited.summary).toEqual(all.summary);
        // Listed by source id, then in the order of the subjects.
        const order = all.changes.map((c) => [c.dataSource, s.subjects.findIndex((u) => u.userid === c.user.userid)] as const);
        expect(order).toEqual([...order].sort(([a, i], [b, j]) => (a < b ? -1 : a > b ? 1 : i - j)));
      }),
      { numRuns: 200 },
    );
    expect(cut).toBeGreaterThan(20);
  });

  it('evaluates no pair of a source the change cannot reach: its entry is the same object after the change', () => {
    const src = (id: string, tags: string[]): DataSource => ({ id, name: id, platform: 'postgres', database: 'db', schema: 'public', table: id, owners: [], tags, columns: [], version: 1, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z' });
    const sources = Array.from({ length: 100 }, (_, i) => src(`s${i}`, [i < 3 ? 'E' : 'A']));
    const before = compileSnapshot({ sources, domains: [], policies: [], trustedIams: TRUSTED });
    const guard: StoredPolicy = {
      document: subscriptionPolicySchema.parse({ policyKey: 'guard', type: 'subscription', actions: { type: 'anyone' }, circumstances: [{ type: 'tags', tag: 'E' }] }),
      version: 1,
      createdAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-01-01T00:00:00Z',
    };
    const after = deriveSnapshot(before, { sources: new Map(), domains: new Map(), policies: new Map([['guard', guard]]) });
    const untouched = before.sourceIds.filter((id) => before.source(id) === after.source(id));
    expect(untouched).toHaveLength(97);
    expect(sourcesToCompare(before, after)).toEqual(['s0', 's1', 's2']);
    expect(simulate(before, after, [subject('ana')]).changes.map((c) => c.dataSource)).toEqual(['s0', 's1', 's2']);
  });
});
