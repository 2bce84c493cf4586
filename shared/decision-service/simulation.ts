import type { UserRef, Subject } from '#shared/model/identity.ts';
import { DEFAULT_CHANGE_LIMIT } from '#shared/model/simulation.ts';
import type { PolicyDocument, StoredPolicy } from '#shared/model/policy.ts';
import { compileSnapshot, deriveSnapshot, simulate, type SimulationResult, type Snapshot } from '#shared/policy/index.ts';
import { snapshotState } from '#shared/policy/snapshot.ts';
import { nextSource, type DataSource, type DataSourceInput } from '#shared/model/catalog.ts';
import type { CatalogRepository } from '#shared/store/catalog.ts';
import type { Db } from '#shared/store/client.ts';
import { NotFoundError } from '#shared/store/errors.ts';
import { trustedIams, type IamTrustRepository } from '#shared/store/iam-trust.ts';
import { PolicyRepository } from '#shared/store/policies.ts';
import type { GroupRepository } from '#shared/store/groups.ts';
import { loadUserView, scanAllViews } from '#shared/store/subjects.ts';
import type { UserRepository } from '#shared/store/users.ts';
import { UnknownUserError } from './errors.ts';
import type { DecisionService } from './service.ts';

/** What a simulation reads: the live catalog, policies, users and groups, and the IAMs trusted. */
export interface SimulationDeps {
  readonly db: Db;
  readonly catalog: CatalogRepository;
  readonly policies: PolicyRepository;
  readonly users: UserRepository;
  readonly groups: GroupRepository;
  readonly iamTrust: IamTrustRepository;
  /** The function's decision snapshot, brought to the current version; absent: the catalog is scanned and compiled. */
  readonly decisions?: Pick<DecisionService, 'freshSnapshot'>;
  readonly config: { readonly defaultIam: string };
}

/** The state a simulation starts from: the compiled snapshot, and the stored policies and sources it holds. */
interface Live {
  readonly snapshot: Snapshot;
  readonly policies: ReadonlyMap<string, StoredPolicy>;
  readonly sources: Lookup<DataSource>;
}

type Lookup<T> = Pick<ReadonlyMap<string, T>, 'get' | 'has'>;

/**
 * The live state: the decision snapshot of a check begun now (the version read strongly
 * consistently, then the changes since), so every acknowledged change is in it; when the cache
 * cannot give one (a rebuild in flight), the catalog scanned and compiled.
 */
async function liveState(services: SimulationDeps): Promise<Live> {
  const loaded = await services.decisions?.freshSnapshot();
  const state = loaded && snapshotState(loaded.snapshot);
  if (loaded && state) {
    const { snapshot } = loaded;
    const source = (id: string) => snapshot.source(id)?.facts.source;
    return { snapshot, policies: state.policies, sources: { get: source, has: (id) => source(id) !== undefined } };
  }
  const [catalog, policies, trust] = await Promise.all([services.catalog.scan(), services.policies.list(), services.iamTrust.read()]);
  const { defaultIam } = services.config;
  const snapshot = compileSnapshot({ ...catalog, policies, trustedIams: trustedIams(trust, defaultIam), defaultIam });
  return { snapshot, policies: new Map(policies.map((p) => [p.document.policyKey, p])), sources: new Map(catalog.sources.map((s) => [s.id, s])) };
}

/** A proposed change: policies to upsert (validated documents) and keys to remove, and data sources likewise. */
export interface SimulationRequest {
  readonly upsert: readonly PolicyDocument[];
  readonly remove: readonly string[];
  readonly upsertDataSources?: ReadonlyArray<DataSourceInput & { readonly id: string }>;
  readonly removeDataSources?: readonly string[];
  /** Only these users (default: every user of every IAM). */
  readonly users?: readonly UserRef[];
  /** Only these sources (default: the whole catalog). */
  readonly dataSources?: readonly string[];
  /** The most changes listed (default `DEFAULT_CHANGE_LIMIT`); the summary counts them all. */
  readonly limit?: number;
}

/** The most bytes of JSON the listed changes take: an answer stays well under Lambda's 6 MB response. */
export const MAX_CHANGE_BYTES = 4 * 1024 * 1024;

const byUser = (a: Subject, b: Subject): number => (a.iamid !== b.iamid ? (a.iamid < b.iamid ? -1 : 1) : a.userid < b.userid ? -1 : a.userid > b.userid ? 1 : 0);

/** The result with no more listed changes than fit in `maxBytes` of JSON; those left out are counted as omitted. */
export function withinBytes(result: SimulationResult, maxBytes = MAX_CHANGE_BYTES): SimulationResult {
  // `[`, `]` and a comma between two changes: n changes take their bytes + n + 1.
  let bytes = 1;
  const fit = result.changes.findIndex((c) => (bytes += Buffer.byteLength(JSON.stringify(c)) + 1) > maxBytes);
  if (fit < 0) return result;
  return { ...result, changes: result.changes.slice(0, fit), changesOmitted: result.changesOmitted + result.changes.length - fit };
}

/** The subjects compared, by `iamid` then `userid`: the order the changes are listed in. */
async function subjectsFor(services: SimulationDeps, users: readonly UserRef[] | undefined): Promise<Subject[]> {
  if (!users) return (await scanAllViews(services.db)).map((v) => v.subject).sort(byUser);
  const views = await Promise.all(
    users.map(async (u) => {
      const view = await loadUserView(services.users, services.groups, u.iamid, u.userid);
      if (!view) throw new UnknownUserError(u.iamid, u.userid);
      return view.subject;
    }),
  );
  return views.sort(byUser);
}

/** How one collection of the request changes: its items by id, its removals and its upserts. */
interface CollectionChange<T, U> {
  readonly current: Lookup<T>;
  readonly remove: readonly string[];
  readonly upsert: readonly U[];
  readonly idOf: (u: U) => string;
  /** The stored item an upsert becomes, given the one it replaces. */
  readonly next: (u: U, old: T | undefined) => T;
  /** How the collection names an item in a message: `policy`, `data source`. */
  readonly noun: string;
}

/**
 * What the request changes in one collection, by id (undefined: removed), removals before
 * upserts; removing an id the collection lacks is a `NotFoundError`.
 */
function changesOf<T, U>(c: CollectionChange<T, U>): Map<string, T | undefined> {
  const changes = new Map<string, T | undefined>();
  for (const id of c.remove) {
    if (!c.current.has(id) || changes.has(id)) throw new NotFoundError(`${c.noun} \`${id}\` not found`);
    changes.set(id, undefined);
  }
  for (const u of c.upsert) {
    const id = c.idOf(u);
    changes.set(id, c.next(u, changes.has(id) ? changes.get(id) : c.current.get(id)));
  }
  return changes;
}

/**
 * Evaluates every (user, source) before and after a proposed policy change against the live
 * catalog, users, groups and attributes, and returns only the differences (access, discovery,
 * masked columns and row filters, as the engine's `simulate` compares them). The change may hold
 * many policies and data sources at once (a plan's whole change set). Nothing is written.
 * The summary counts every difference; `changes` lists the first `limit` (and no more than
 * `MAX_CHANGE_BYTES` of JSON), and `changesOmitted` counts the rest.
 * The snapshot before is the function's decision snapshot brought to the current version (see
 * `liveState`); the one after is derived from it: only the sources the change can touch are
 * recompiled, and every other source keeps its very entry, so `simulate` skips it.
 */
export async function runSimulation(services: SimulationDeps, req: SimulationRequest): Promise<SimulationResult> {
  const [live, subjects] = await Promise.all([liveState(services), subjectsFor(services, req.users)]);
  const { defaultIam } = services.config;
  const now = new Date().toISOString();
  const delta = {
    policies: changesOf<StoredPolicy, PolicyDocument>({
      current: live.policies,
      remove: req.remove,
      upsert: req.upsert,
      idOf: (doc) => doc.policyKey,
      next: (doc, old) => PolicyRepository.next(doc, old),
      noun: 'policy',
    }),
    sources: changesOf<DataSource, DataSourceInput & { readonly id: string }>({
      current: live.sources,
      remove: req.removeDataSources ?? [],
      upsert: req.upsertDataSources ?? [],
      idOf: (s) => s.id,
      next: ({ id, ...input }, old) => nextSource(id, input, old, defaultIam, now),
      noun: 'data source',
    }),
    domains: new Map(),
  };
  const before = live.snapshot;
  return withinBytes(simulate(before, deriveSnapshot(before, delta), subjects, req.dataSources, { limit: req.limit ?? DEFAULT_CHANGE_LIMIT }));
}
