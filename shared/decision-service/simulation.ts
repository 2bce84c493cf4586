import type { UserRef, Subject } from '#shared/model/identity.ts';
import type { PolicyDocument, StoredPolicy } from '#shared/model/policy.ts';
import { compileSnapshot, simulate, type SimulationResult } from '#shared/policy/index.ts';
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
}

async function subjectsFor(services: SimulationDeps, users: readonly UserRef[] | undefined): Promise<Subject[]> {
  if (!users) return (await scanAllViews(services.db)).map((v) => v.subject);
  const views = await Promise.all(
    users.map(async (u) => {
      const view = await loadUserView(services.users, services.groups, u.iamid, u.userid);
      if (!view) throw new UnknownUserError(u.iamid, u.userid);
      return view.subject;
    }),
  );
  return views;
}

function changedPolicies(current: readonly StoredPolicy[], req: SimulationRequest): StoredPolicy[] {
  const byKey = new Map(current.map((p) => [p.document.policyKey, p]));
  for (const key of req.remove) {
    if (!byKey.delete(key)) throw new NotFoundError(`policy \`${key}\` not found`);
  }
  for (const doc of req.upsert) byKey.set(doc.policyKey, PolicyRepository.next(doc, byKey.get(doc.policyKey)));
  return [...byKey.values()];
}

function changedSources(current: readonly DataSource[], req: SimulationRequest, defaultIam: string): DataSource[] {
  const byId = new Map(current.map((s) => [s.id, s]));
  for (const id of req.removeDataSources ?? []) {
    if (!byId.delete(id)) throw new NotFoundError(`data source \`${id}\` not found`);
  }
  const now = new Date().toISOString();
  for (const { id, ...input } of req.upsertDataSources ?? []) byId.set(id, nextSource(id, input, byId.get(id), defaultIam, now));
  return [...byId.values()];
}

/**
 * Evaluates every (user, source) before and after a proposed policy change against the live
 * catalog, users, groups and attributes, and returns only the differences (access, discovery,
 * masked columns and row filters, as the engine's `simulate` compares them). The change may hold
 * many policies and data sources at once (a plan's whole change set). Nothing is written.
 */
export async function runSimulation(services: SimulationDeps, req: SimulationRequest): Promise<SimulationResult> {
  const [catalog, policies, subjects, trust] = await Promise.all([services.catalog.scan(), services.policies.list(), subjectsFor(services, req.users), services.iamTrust.read()]);
  const { defaultIam } = services.config;
  const trusted = trustedIams(trust, defaultIam);
  const before = compileSnapshot({ ...catalog, policies, trustedIams: trusted, defaultIam });
  const sources = changedSources(catalog.sources, req, defaultIam);
  const after = compileSnapshot({ ...catalog, sources, policies: changedPolicies(policies, req), trustedIams: trusted, defaultIam }, before);
  return simulate(before, after, subjects, req.dataSources);
}
