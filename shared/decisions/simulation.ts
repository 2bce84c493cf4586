import type { UserRef, Subject } from '#shared/model/identity.ts';
import type { PolicyDocument, StoredPolicy } from '#shared/model/policy.ts';
import { compileSnapshot, simulate, type SimulationResult } from '#shared/policy/index.ts';
import type { Services } from '#shared/services.ts';
import { NotFoundError } from '#shared/store/errors.ts';
import { readIamTrust, trustedIams } from '#shared/store/iam-trust.ts';
import { PolicyRepository } from '#shared/store/policies.ts';
import { loadUserView, scanAllViews } from '#shared/store/subjects.ts';
import { UnknownUserError } from './errors.ts';
import type { GovernanceStores } from './stores.ts';

/** A proposed change: policies to upsert (validated documents) and keys to remove. */
export interface SimulationRequest {
  readonly upsert: readonly PolicyDocument[];
  readonly remove: readonly string[];
  /** Only these users (default: every user of every IAM). */
  readonly users?: readonly UserRef[];
  /** Only these sources (default: the whole catalog). */
  readonly dataSources?: readonly string[];
}

async function subjectsFor(services: Services, users: readonly UserRef[] | undefined): Promise<Subject[]> {
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

/**
 * Evaluates every (user, source) before and after a proposed policy change against the live
 * catalog, users, groups and attributes, and returns only the differences (access, discovery,
 * masked columns and row filters, as the engine's `simulate` compares them). Nothing is written.
 */
export async function runSimulation(services: Services, stores: GovernanceStores, req: SimulationRequest): Promise<SimulationResult> {
  const [catalog, policies, subjects, trust] = await Promise.all([stores.catalog.scan(), stores.policies.list(), subjectsFor(services, req.users), readIamTrust(services.db)]);
  const trusted = trustedIams(trust, services.config.defaultIam);
  const before = compileSnapshot({ ...catalog, policies, trustedIams: trusted });
  const after = compileSnapshot({ ...catalog, policies: changedPolicies(policies, req), trustedIams: trusted }, before);
  return simulate(before, after, subjects, req.dataSources);
}
