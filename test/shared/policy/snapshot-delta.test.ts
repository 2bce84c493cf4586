import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DataSource } from '#shared/model/catalog.ts';
import type { StoredPolicy } from '#shared/model/policy.ts';
import { compileSnapshot, deriveSnapshot } from '#shared/policy/index.ts';
import { entitlements, source, TRUSTED } from './fixtures.ts';
import { changeArb, deltaOf, observe, policyArb, SOURCE_IDS, TIMES, World, type Change } from './snapshot-world.ts';

describe('snapshot deltas', () => {
  it('derive, change batch after change batch, exactly the snapshot a full compile gives (property)', () => {
    fc.assert(
      fc.property(fc.array(changeArb, { maxLength: 12 }), fc.array(fc.array(changeArb, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 }), (initial, batches) => {
        const world = new World();
        for (const c of initial) world.apply(c);
        let derived = compileSnapshot(world.input());
        for (const batch of batches) {
          // The last change of an item in a batch is the one a delta reads back from the store.
          for (const c of batch) world.apply(c);
          const last = batch.filter((c, i) => !batch.slice(i + 1).some((d) => d.kind === c.kind && d.id === c.id));
          derived = deriveSnapshot(derived, deltaOf(last));
          expect(observe(derived)).toEqual(observe(compileSnapshot(world.input())));
        }
      }),
      { numRuns: 400 },
    );
  });

  it('derive exactly the full compile when a policy matching every source changes in every batch (property)', () => {
    const broad: fc.Arbitrary<Change> = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('all0', 'all1').chain((id) => policyArb(id).map((p) => ({ kind: 'policy' as const, id, item: { ...p, document: { ...p.document, circumstances: [], staged: false } } as StoredPolicy }))) },
      { weight: 1, arbitrary: fc.constantFrom('all0', 'all1').map((id) => ({ kind: 'policy' as const, id, item: undefined })) },
    );
    fc.assert(
      fc.property(fc.array(changeArb, { maxLength: 12 }), fc.array(fc.tuple(broad, fc.array(changeArb, { maxLength: 3 })), { minLength: 1, maxLength: 5 }), (initial, batches) => {
        const world = new World();
        for (const c of initial) world.apply(c);
        let derived = compileSnapshot(world.input());
        // Half the sources are read before each change, so that taken-over entries are tested too.
        for (const [all, rest] of batches) {
          for (const id of SOURCE_IDS.slice(0, 3)) derived.source(id);
          const batch = [all, ...rest];
          for (const c of batch) world.apply(c);
          const last = batch.filter((c, i) => !batch.slice(i + 1).some((d) => d.kind === c.kind && d.id === c.id));
          derived = deriveSnapshot(derived, deltaOf(last));
          expect(observe(derived)).toEqual(observe(compileSnapshot(world.input())));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('derives twice from one snapshot, each time as a full compile of its own change', () => {
    const first = compileSnapshot({ sources: [source('s0', ['A'])], domains: [], policies: [], trustedIams: TRUSTED });
    const policy = entitlements('p0', { groups: ['G'] });
    expect(first.source('s0')!.subscriptions).toEqual([]);
    const withPolicy = deriveSnapshot(first, { sources: new Map(), domains: new Map(), policies: new Map([['p0', policy]]) });
    const withoutSource = deriveSnapshot(first, { sources: new Map([['s0', undefined]]), domains: new Map(), policies: new Map() });
    expect(withPolicy.source('s0')!.subscriptions.map((p) => p.policy.policyKey)).toEqual(['p0']);
    expect(withoutSource.source('s0')).toBeUndefined();
    expect(first.source('s0')!.subscriptions).toEqual([]);
  });
});

describe('a long line of deltas', () => {
  it('keeps the ids in order through hundreds of unread derivations', () => {
    const base = (id: string): DataSource => ({ id, name: id, platform: 'postgres', database: 'db', schema: 'public', table: id, owners: [], tags: [], columns: [], version: 1, createdAt: TIMES[0]!, updatedAt: TIMES[0]! });
    let snap = compileSnapshot({ sources: [base('m')], domains: [], policies: [], trustedIams: TRUSTED });
    const expected = new Set(['m']);
    for (let i = 0; i < 300; i++) {
      const id = `x${(i * 37) % 101}`;
      const remove = expected.has(id);
      snap = deriveSnapshot(snap, { sources: new Map([[id, remove ? undefined : base(id)]]), domains: new Map(), policies: new Map() });
      if (remove) expected.delete(id);
      else expected.add(id);
    }
    expect(snap.sourceIds).toEqual([...expected].sort());
  });
});
