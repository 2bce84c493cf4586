import { userAuditId, type AuditInput } from '#shared/audit/record.ts';
import { auditIdentity, type Caller } from '#shared/auth/caller.ts';
import type { Decision, Dialect } from '#shared/model/decision.ts';
import type { UserRef } from '#shared/model/identity.ts';
import { decide, decideSubscription, type DecideOptions, type Snapshot } from '#shared/policy/index.ts';
import type { Services } from '#shared/services.ts';
import { readIamTrust, trustedIams } from '#shared/store/iam-trust.ts';
import { readSnapshotVersion } from '#shared/store/policies.ts';
import { AuditBatcher } from './audit-batch.ts';
import { UnknownDataSourceError, UnknownUserError } from './errors.ts';
import { SnapshotCache, type LoadedSnapshot } from './snapshot-cache.ts';
import { governanceStores, type GovernanceStores } from './stores.ts';
import { UserCache, type CachedUser } from './user-cache.ts';

/**
 * Consistency promise: a catalog, tag or policy change is reflected by every decision that
 * starts more than `refreshMs` (default 1 s) after the change was acknowledged; a change to a
 * user's attributes, groups or access requests, by every decision that starts more than
 * `userCacheMs` (default 1 s) after it. Writes through the API are read back at once by the
 * catalog and policy reads (strongly consistent); only decisions see this bounded lag.
 */
export interface DecisionOptions {
  /** How often the snapshot version is checked (env `WARDEN_SNAPSHOT_REFRESH_MS`). */
  readonly refreshMs?: number;
  /** How long a user's groups, attributes and approvals are reused. */
  readonly userCacheMs?: number;
}

/** Who asks, for the audit trail. */
export interface DecisionContext {
  readonly caller: Caller;
  readonly requestId?: string;
}

/** A source the user may query, as listed by `GET /v1/users/{iamid}/{userid}/data-sources`. */
export interface AccessibleSource {
  readonly id: string;
  readonly name: string;
  readonly access: 'granted';
}

/** The user's approved request on the source; the engine decides whether it may count. */
function approvalFor(user: CachedUser, sourceId: string): DecideOptions {
  const approvedRequest = user.approvals.get(sourceId);
  return approvedRequest ? { approvedRequest } : {};
}

function envMs(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}

/** Explained access decisions over a cached snapshot; every decision audited. */
export class DecisionService {
  readonly stores: GovernanceStores;
  private readonly snapshots: SnapshotCache;
  private readonly usersCache: UserCache;
  private readonly audit: AuditBatcher;

  constructor(services: Services, options: DecisionOptions = {}) {
    this.stores = governanceStores(services);
    const refreshMs = options.refreshMs ?? envMs('WARDEN_SNAPSHOT_REFRESH_MS', 1000);
    this.snapshots = new SnapshotCache(
      () => readSnapshotVersion(services.db),
      async () => {
        const [catalog, policies, trust] = await Promise.all([this.stores.catalog.scan(), this.stores.policies.list(), readIamTrust(services.db)]);
        return { ...catalog, policies, trustedIams: trustedIams(trust, services.config.defaultIam) };
      },
      refreshMs,
    );
    this.usersCache = new UserCache(services, this.stores.requests, options.userCacheMs ?? 1000);
    this.audit = new AuditBatcher(services.db, services.audit);
  }

  /** The compiled snapshot decisions currently use. */
  snapshot(): Promise<LoadedSnapshot> {
    return this.snapshots.current();
  }

  private async user(ref: UserRef): Promise<CachedUser> {
    const user = await this.usersCache.get(ref.iamid, ref.userid);
    if (!user) throw new UnknownUserError(ref.iamid, ref.userid);
    return user;
  }

  private evaluate(ctx: DecisionContext, snapshot: Snapshot, user: CachedUser, sourceId: string, dialect: Dialect): Decision {
    const subject = user.view.subject;
    const entry = snapshot.source(sourceId);
    if (!entry) throw new UnknownDataSourceError([sourceId]);
    const impersonator = ctx.caller.impersonation?.impersonator;
    const self = ctx.caller.principal.type === 'user' && ctx.caller.principal.iamid === subject.iamid && ctx.caller.principal.id === subject.userid;
    const envelope = {
      user: { iamid: subject.iamid, userid: subject.userid },
      impersonatedBy: impersonator && self ? { type: impersonator.type, id: impersonator.id } : null,
      dataSource: sourceId,
    };
    try {
      return { ...envelope, ...decide(snapshot, subject, sourceId, dialect, approvalFor(user, sourceId))! };
    } catch (err) {
      // A data policy that cannot be applied must not leak clear data: deny, and say why.
      const sub = decideSubscription(snapshot, subject, sourceId)!;
      const reason = `data policies could not be applied: ${err instanceof Error ? err.message : String(err)}`;
      return { ...envelope, ...sub, access: 'denied', reason, columns: [], rowFilter: { expression: null, policyKeys: [] } };
    }
  }

  private record(ctx: DecisionContext, d: Decision, dialect: Dialect): AuditInput {
    return {
      ...auditIdentity(ctx.caller),
      userId: userAuditId(d.user),
      action: 'DECISION',
      actionStatus: 'SUCCESS',
      targetType: 'dataSource',
      targets: [d.dataSource],
      payload: {
        user: d.user,
        access: d.access,
        dialect,
        ...(d.reason ? { reason: d.reason } : {}),
        policies: d.subscription.map((v) => ({ policyKey: v.policyKey, satisfied: v.satisfied })),
        ...(d.columns.length ? { maskedColumns: d.columns.filter((c) => c.action === 'mask').map((c) => c.name) } : {}),
        ...(d.rowFilter.policyKeys.length ? { rowFilterPolicies: d.rowFilter.policyKeys } : {}),
      },
      ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
    };
  }

  /** Decides one (user, source); unknown user or source → `NotFoundError`. Audited before it returns. */
  async decide(ctx: DecisionContext, user: UserRef, sourceId: string, dialect: Dialect): Promise<Decision> {
    const [decision] = await this.decideMany(ctx, user, [sourceId], dialect);
    return decision!;
  }

  /** Decides several sources for one user; any unknown source fails the whole batch with 404. */
  async decideMany(ctx: DecisionContext, user: UserRef, sourceIds: readonly string[], dialect: Dialect): Promise<Decision[]> {
    const [{ snapshot }, cached] = await Promise.all([this.snapshots.current(), this.user(user)]);
    const unknown = sourceIds.filter((id) => !snapshot.source(id));
    if (unknown.length) throw new UnknownDataSourceError(unknown.slice(0, 10));
    const decisions = sourceIds.map((id) => this.evaluate(ctx, snapshot, cached, id, dialect));
    await Promise.all(decisions.map((d) => this.audit.write(this.record(ctx, d, dialect))));
    return decisions;
  }

  /** Every source the user may query (one audit record for the listing). */
  async accessible(ctx: DecisionContext, user: UserRef): Promise<AccessibleSource[]> {
    const [{ snapshot }, cached] = await Promise.all([this.snapshots.current(), this.user(user)]);
    const out: AccessibleSource[] = [];
    for (const id of snapshot.sourceIds) {
      const sub = decideSubscription(snapshot, cached.view.subject, id, approvalFor(cached, id));
      if (sub?.access === 'granted') out.push({ id, name: snapshot.source(id)!.facts.source.name, access: 'granted' });
    }
    await this.audit.write({
      ...auditIdentity(ctx.caller),
      userId: userAuditId(user),
      action: 'DECISION',
      actionStatus: 'SUCCESS',
      targetType: 'dataSources',
      // The listing names its first sources; the count says how many there were.
      targets: out.slice(0, 100).map((s) => s.id),
      payload: { user, listing: true, granted: out.length, evaluated: snapshot.sourceIds.length },
      ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
    });
    return out;
  }
}
