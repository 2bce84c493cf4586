import { decide, decideSubscription, type DecisionBody, type Snapshot } from '#shared/policy/index.ts';
import type { Dialect } from '#shared/model/decision.ts';
import { approvalFor, type CachedUser } from './user-cache.ts';

/**
 * The whole decision for a user on a source of `snapshot` (which must hold it), failing closed:
 * a data policy that cannot be applied must not leak clear data, so it denies and says why.
 * Every decision path (audited, a query's, Trino's masks and filters) decides through this.
 */
export function decideFailingClosed(snapshot: Snapshot, user: CachedUser, sourceId: string, dialect: Dialect): DecisionBody {
  const subject = user.view.subject;
  try {
    return decide(snapshot, subject, sourceId, dialect, approvalFor(user, sourceId))!;
  } catch (err) {
    const sub = decideSubscription(snapshot, subject, sourceId)!;
    const reason = `data policies could not be applied: ${err instanceof Error ? err.message : String(err)}`;
    return { ...sub, access: 'denied', reason, columns: [], rowFilter: { expression: null, policyKeys: [] } };
  }
}
