import type { UserRef, Subject } from '#shared/model/identity.ts';
import { DEFAULT_CHANGE_LIMIT } from '#shared/model/simulation.ts';
import type { PolicyDocument, StoredPolicy } from '#shared/model/policy.ts';
import { compileSnapshot, deriveSnapshot, simulate, type SimulationResult } from '#shared/policy/index.ts';
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

/** What a simulation reads: the live catalog, policies, users and groups, and the IAMs trusted. */
export interface SimulationDeps {
  readonly db: Db;
  readonly catalog: CatalogRepository;
  readonly policies: PolicyRepository;
  readonly users: UserRepository;
  readonly groups: GroupRepository;
  readonly iamTrust: IamTrustRepository;
  readonly config: { readonly defaultIam: string };
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
  readonly current: ReadonlyMap<string, T>;
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
 * The snapshot after the change is derived from the one before: only the sources the change can
 * touch are recompiled, and every other source keeps its very entry, so `simulate` skips it.
 */
export async function runSimulation(services: SimulationDeps, req: SimulationRequest): Promise<SimulationResult> {
  const [catalog, policies, subjects, trust] = await Promise.all([services.catalog.scan(), services.policies.list(), subjectsFor(services, req.users), services.iamTrust.read()]);
  const { defaultIam } = services.config;
  const before = compileSnapshot({ ...catalog, policies, trustedIams: trustedIams(trust, defaultIam), defaultIam });
  const now = new Date().toISOString();
  const delta = {
    policies: changesOf<StoredPolicy, PolicyDocument>({
      current: new Map(policies.map((p) => [p.document.policyKey, p])),
      remove: req.remove,
      upsert: req.upsert,
      idOf: (doc) => doc.policyKey,
      next: (doc, old) => PolicyRepository.next(doc, old),
      noun: 'policy',
    }),
    sources: changesOf<DataSource, DataSourceInput & { readonly id: string }>({
      current: new Map(catalog.sources.map((s) => [s.id, s])),
      remove: req.removeDataSources ?? [],
      upsert: req.upsertDataSources ?? [],
      idOf: (s) => s.id,
      next: ({ id, ...input }, old) => nextSource(id, input, old, defaultIam, now),
      noun: 'data source',
    }),
    domains: new Map(),
  };
  return withinBytes(simulate(before, deriveSnapshot(before, delta), subjects, req.dataSources, { limit: req.limit ?? DEFAULT_CHANGE_LIMIT }));
}
