import type { DataSource, Domain } from '#shared/model/catalog.ts';
import { BUILT_IN_IAM } from '#shared/model/identity.ts';
import type { StoredPolicy } from '#shared/model/policy.ts';
import { LayeredMap, type MapBase } from './layered-map.ts';
import { PolicyIndex } from './policy-index.ts';
import type { SourceEntry } from './source-entry.ts';
import { cellOf, type SourceCell } from './snapshot-entries.ts';
import { domainsByTag, entriesOver, filePolicy, type SnapshotState } from './snapshot-state.ts';
import type { CompiledSubscription } from './subscription/compile.ts';
import type { TrustedIams } from './trust.ts';

/** The compiled catalog and policies; immutable, shared by every decision. */
export interface Snapshot {
  source(id: string): SourceEntry | undefined;
  readonly sourceIds: readonly string[];
  readonly domains: ReadonlyMap<string, Domain>;
  /** Compiled non-staged subscription policies by key. */
  readonly subscriptions: ReadonlyMap<string, CompiledSubscription>;
  /** The IAMs trusted for policy matching where a policy names no `trustedIams`. */
  readonly trustedIams: TrustedIams;
  /**
   * The ids of the sources registered for a physical table, matched case-insensitively (Trino
   * lowercases identifiers, PostgreSQL folds unquoted ones), in id order; none: `[]`.
   */
  sourcesAt(table: PhysicalTable): readonly string[];
}

/** Where a source's rows live: the catalog fields a query engine resolves a table reference to. */
export interface PhysicalTable {
  readonly platform: DataSource['platform'];
  readonly database: string;
  readonly schema: string;
  readonly table: string;
}

/** The lookup key of a physical table: its parts lowercased, joined by a character no name holds. */
export function physicalTableKey(t: PhysicalTable): string {
  return [t.platform, t.database, t.schema, t.table].map((p) => p.toLowerCase()).join('\u0000');
}

/** What a snapshot is compiled from. */
export interface SnapshotInput {
  readonly sources: readonly DataSource[];
  readonly domains: readonly Domain[];
  readonly policies: readonly StoredPolicy[];
  /** The IAMs an admin trusts for policy matching (the default IAM included unless unmarked). */
  readonly trustedIams: readonly string[];
  /** The IAM of a user a policy lists without one (`WARDEN_DEFAULT_IAM`; absent: the built-in IAM). */
  readonly defaultIam?: string;
}

const byAge = (a: StoredPolicy, b: StoredPolicy): number =>
  a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.document.policyKey < b.document.policyKey ? -1 : 1;

/** What each snapshot was compiled or derived from, for `deriveSnapshot`. */
const STATES = new WeakMap<Snapshot, SnapshotState>();

/** The state a snapshot was built from; undefined for one not built here. */
export function snapshotState(snapshot: Snapshot): SnapshotState | undefined {
  return STATES.get(snapshot);
}

/** The snapshot answering from `state`. */
export function snapshotOf(state: SnapshotState): Snapshot {
  const { entries, byTable } = state;
  const snapshot: Snapshot = {
    source: (id) => entries.get(id),
    get sourceIds() {
      return state.sourceIds();
    },
    domains: state.domains,
    subscriptions: state.subscriptions,
    trustedIams: state.trustedIams,
    sourcesAt: (table) => byTable.get(physicalTableKey(table)) ?? [],
  };
  STATES.set(snapshot, state);
  return snapshot;
}

/**
 * Compiles every non-staged policy once; a source's entry (the policies that apply to it) is
 * computed when the source is first asked for. Pass the `previous` snapshot to reuse compiled policies whose document did not change, so
 * that unchanged sources keep identical policy lists (simulation skips them).
 */
export function compileSnapshot(input: SnapshotInput, previous?: Snapshot): Snapshot {
  const steps = compileSteps(input, previous);
  let step = steps.next();
  while (!step.done) step = steps.next();
  return step.value;
}

/**
 * `compileSnapshot` in steps, for a caller that must not hold its thread for a whole compile:
 * each `next()` files up to `slice` sources, and the last one returns the snapshot.
 */
export function* compileSteps(input: SnapshotInput, previous?: Snapshot, slice = 2000): Generator<void, Snapshot> {
  const cells = new Map<string, SourceCell>();
  const byTable = new Map<string, string[]>();
  for (const source of input.sources) {
    const table = physicalTableKey(source);
    const ids = byTable.get(table);
    if (ids) ids.push(source.id);
    else byTable.set(table, [source.id]);
    cells.set(source.id, cellOf(source));
    if (cells.size % slice === 0) yield;
  }
  const sourceIds = [...cells.keys()];
  return snapshotOver(input, cells, byTable, () => sourceIds, previous);
}

/**
 * The snapshot of sources already filed: `sources` by id and their ids by physical table key (in
 * id order), `sourceIds` every id in id order when asked; `input`'s policies are compiled now,
 * reusing those of `previous` whose document did not change. What an artifact is read into
 * without reading its sources.
 */
export function snapshotOver(input: Omit<SnapshotInput, 'sources'>, sources: MapBase<string, SourceCell>, byTable: MapBase<string, readonly string[]>, sourceIds: () => readonly string[], previous?: Snapshot): Snapshot {
  const trustedIams: TrustedIams = new Set(input.trustedIams);
  const defaultIam = input.defaultIam ?? BUILT_IN_IAM;
  const domains = new Map(input.domains.map((d) => [d.id, d]));
  const reusable = new Map<string, CompiledSubscription>();
  for (const c of previous?.subscriptions.values() ?? []) reusable.set(c.fingerprint, c);

  const compiled = { subscriptionIndex: new PolicyIndex<CompiledSubscription>(), dataIndex: new PolicyIndex<StoredPolicy>(), subscriptions: new Map<string, CompiledSubscription>() };
  for (const stored of input.policies.filter((p) => !p.document.staged).sort(byAge)) filePolicy(stored, compiled, trustedIams, defaultIam, reusable);

  const inputs = { ...compiled, domains, domainsByTag: domainsByTag(input.domains), trustedIams };
  const filed = LayeredMap.of(sources);
  return snapshotOf({
    ...inputs,
    defaultIam,
    policies: new Map(input.policies.map((p) => [p.document.policyKey, p])),
    sources: filed,
    entries: entriesOver(filed, inputs),
    byTable: LayeredMap.of(byTable),
    sourceIds,
  });
}
