import type { UserRef, Subject } from '#shared/model/identity.ts';
import type { PolicyDocument, StoredPolicy } from '#shared/model/policy.ts';
import { evaluateDataPlan, planDataPolicies, type DataPlan } from '#shared/policy/data/index.ts';
import { compileSnapshot, grants, simulate, sourcesToCompare, type SimulationResult } from '#shared/policy/index.ts';
import type { Services } from '#shared/services.ts';
import { NotFoundError } from '#shared/store/errors.ts';
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

/** What a granted user sees of a source, compared across the change. */
interface DataOutcome {
  readonly maskedColumns: ReadonlyArray<{ name: string; policyKey?: string; masking?: unknown }>;
  readonly rowFilter: string | null;
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

function dataOutcome(plan: DataPlan, subject: Subject): DataOutcome {
  const e = evaluateDataPlan(plan, subject, 'postgres');
  return {
    maskedColumns: e.columns.filter((c) => c.action === 'mask').map((c) => ({ name: c.name, policyKey: c.policyKey, masking: c.masking })),
    rowFilter: e.rowFilter.expression,
  };
}

/**
 * Evaluates every (user, source) before and after a proposed policy change against the live
 * catalog, users, groups and attributes, and returns only the differences: access and
 * discovery from the policy engine, masks and row filters (postgres SQL) for users granted
 * both before and after. Nothing is written.
 */
export async function runSimulation(services: Services, stores: GovernanceStores, req: SimulationRequest): Promise<SimulationResult> {
  const [catalog, policies, subjects] = await Promise.all([stores.catalog.scan(), stores.policies.list(), subjectsFor(services, req.users)]);
  const before = compileSnapshot({ ...catalog, policies });
  const after = compileSnapshot({ ...catalog, policies: changedPolicies(policies, req) }, before);
  const result = simulate(before, after, subjects, req.dataSources);
  const changes: Array<SimulationResult['changes'][number] | Record<string, unknown>> = result.changes;
  for (const id of sourcesToCompare(before, after, req.dataSources)) {
    const a = before.source(id);
    const b = after.source(id);
    if (!a || !b) continue;
    const planA = planDataPolicies(a.facts.source, a.dataPolicies);
    const planB = planDataPolicies(b.facts.source, b.dataPolicies);
    for (const subject of subjects) {
      if (!grants(a, subject) || !grants(b, subject)) continue;
      const was = dataOutcome(planA, subject);
      const now = dataOutcome(planB, subject);
      const masks = JSON.stringify(was.maskedColumns) !== JSON.stringify(now.maskedColumns);
      const filter = was.rowFilter !== now.rowFilter;
      if (!masks && !filter) continue;
      if (masks) result.summary.masksChanged++;
      if (filter) result.summary.rowFiltersChanged++;
      changes.push({
        user: { iamid: subject.iamid, userid: subject.userid },
        dataSource: id,
        before: { access: 'granted', discoverable: true, ...was },
        after: { access: 'granted', discoverable: true, ...now },
      });
    }
  }
  return result;
}
