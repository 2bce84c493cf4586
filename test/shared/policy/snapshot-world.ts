import fc from 'fast-check';
import type { DataSource, Domain } from '#shared/model/catalog.ts';
import { dataPolicySchema, subscriptionPolicySchema, type StoredPolicy } from '#shared/model/policy.ts';
import { decide, type Snapshot, type SnapshotInput } from '#shared/policy/index.ts';
import { subject, TRUSTED } from './fixtures.ts';

/* Generated inputs and changes of a snapshot, and what a user of one can observe of it. */

const TAGS = ['A', 'A.B', 'A.B.C', 'A.D', 'E', 'E.F'];
/** The ids a generated catalog draws from. */
export const SOURCE_IDS = ['s0', 's1', 's2', 's3', 's4', 's5'];
const DOMAIN_IDS = ['d0', 'd1', 'd2'];
const POLICY_KEYS = ['p0', 'p1', 'p2', 'p3', 'p4'];
/** The moments generated items are created at. */
export const TIMES = ['2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z', '2026-01-03T00:00:00Z'];

const circumstance: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({ type: fc.constant('tags'), tag: fc.constantFrom(...TAGS) }),
  fc.record({ type: fc.constant('columnTags'), tag: fc.constantFrom(...TAGS) }),
  fc.record({ type: fc.constant('columnRegex'), regex: fc.constantFrom('^a', 'b$'), caseInsensitive: fc.boolean() }),
  fc.record({ type: fc.constant('domain'), domain: fc.constantFrom(...DOMAIN_IDS, 'dz') }),
  fc.record({ type: fc.constant('dataSources'), ids: fc.uniqueArray(fc.constantFrom(...SOURCE_IDS, 's9'), { minLength: 1 }) }),
);

const sourceArb = (id: string): fc.Arbitrary<DataSource> =>
  fc
    .record({
      tags: fc.subarray(TAGS),
      columns: fc.array(fc.record({ name: fc.constantFrom('ab', 'Ab', 'cb', 'x'), tags: fc.subarray(TAGS) }), { maxLength: 2 }),
      domain: fc.option(fc.constantFrom(...DOMAIN_IDS, 'dz'), { nil: undefined }),
      table: fc.constantFrom('t', 'T', 'u'),
      disabled: fc.subarray(POLICY_KEYS, { maxLength: 2 }),
    })
    .map((s) => ({
      id,
      name: id,
      platform: 'postgres',
      database: 'db',
      schema: 'public',
      table: s.table,
      owners: [],
      tags: s.tags,
      ...(s.domain ? { domain: s.domain } : {}),
      columns: s.columns.map((c, i) => ({ name: `${c.name}${i}`, type: 'varchar', tags: c.tags })),
      ...(s.disabled.length ? { disabledPolicies: s.disabled } : {}),
      version: 1,
      createdAt: TIMES[0]!,
      updatedAt: TIMES[0]!,
    }));

const domainArb = (id: string): fc.Arbitrary<Domain> => fc.subarray(TAGS, { maxLength: 2 }).map((tags) => ({ id, name: id, tags, version: 1 }));

/** A generated subscription or data policy. */
export const policyArb = (policyKey: string): fc.Arbitrary<StoredPolicy> =>
  fc
    .record({
      data: fc.boolean(),
      circumstances: fc.array(circumstance, { maxLength: 2 }),
      circumstanceOperator: fc.constantFrom('any' as const, 'all' as const),
      staged: fc.boolean(),
      group: fc.constantFrom('G', 'H'),
      discovery: fc.boolean(),
      createdAt: fc.constantFrom(...TIMES),
    })
    .map((p) => {
      const common = { policyKey, circumstances: p.circumstances, circumstanceOperator: p.circumstanceOperator, staged: p.staged };
      const document = p.data
        ? dataPolicySchema.parse({ ...common, type: 'data', rules: [{ type: 'masking', fields: [{ type: 'columnTags', tag: 'A' }], masking: { type: 'hash' }, exceptions: { groups: [p.group] } }] })
        : subscriptionPolicySchema.parse({ ...common, type: 'subscription', actions: { type: 'entitlements', entitlements: { groups: [p.group] }, allowDiscovery: p.discovery } });
      return { document, version: 1, createdAt: p.createdAt, updatedAt: p.createdAt };
    });

/** One change of a generated input. */
export type Change = { kind: 'source'; id: string; item?: DataSource } | { kind: 'domain'; id: string; item?: Domain } | { kind: 'policy'; id: string; item?: StoredPolicy };

const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined, freq: 4 });
/** A generated change. */
export const changeArb: fc.Arbitrary<Change> = fc.oneof(
  fc.constantFrom(...SOURCE_IDS).chain((id) => maybe(sourceArb(id)).map((item) => ({ kind: 'source' as const, id, item }))),
  fc.constantFrom(...DOMAIN_IDS).chain((id) => maybe(domainArb(id)).map((item) => ({ kind: 'domain' as const, id, item }))),
  fc.constantFrom(...POLICY_KEYS).chain((id) => maybe(policyArb(id)).map((item) => ({ kind: 'policy' as const, id, item }))),
);

/** The input as a store load yields it: every collection in id order. */
export class World {
  readonly sources = new Map<string, DataSource>();
  readonly domains = new Map<string, Domain>();
  readonly policies = new Map<string, StoredPolicy>();

  apply(c: Change): void {
    const map = (c.kind === 'source' ? this.sources : c.kind === 'domain' ? this.domains : this.policies) as Map<string, unknown>;
    if (c.item) map.set(c.id, c.item);
    else map.delete(c.id);
  }

  input(): SnapshotInput {
    const sorted = <T>(m: Map<string, T>): T[] => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => v);
    return { sources: sorted(this.sources), domains: sorted(this.domains), policies: sorted(this.policies), trustedIams: TRUSTED };
  }
}

/** The delta of changes, as a store reads it back. */
export function deltaOf(changes: readonly Change[]) {
  const pick = <T>(kind: Change['kind']) => new Map(changes.filter((c) => c.kind === kind).map((c) => [c.id, c.item as T | undefined]));
  return { sources: pick<DataSource>('source'), domains: pick<Domain>('domain'), policies: pick<StoredPolicy>('policy') };
}

const SUBJECTS = [subject('u0'), subject('u1', { groups: ['G'] }), subject('u2', { groups: ['H'] }), subject('u3', { groups: ['G', 'H'] })];

/** Everything a user of the snapshot can observe. */
export function observe(snap: Snapshot) {
  return {
    sourceIds: snap.sourceIds,
    domains: [...snap.domains.entries()],
    subscriptions: [...snap.subscriptions.keys()],
    tables: ['t', 'T', 'u', 'v'].map((table) => snap.sourcesAt({ platform: 'postgres', database: 'DB', schema: 'public', table })),
    entries: SOURCE_IDS.map((id) => {
      const e = snap.source(id);
      return (
        e && {
          source: e.facts.source,
          domains: e.domains,
          subscriptions: e.subscriptions.map((p) => [p.policy.policyKey, p.fingerprint]),
          dataPolicies: e.dataPolicies.map((p) => p.document.policyKey),
          discovery: e.discovery,
          requestsAllowed: e.requestsAllowed,
          disabledPolicies: e.disabledPolicies,
        }
      );
    }),
    decisions: SUBJECTS.flatMap((s) => SOURCE_IDS.map((id) => decide(snap, s, id, 'postgres'))),
  };
}
