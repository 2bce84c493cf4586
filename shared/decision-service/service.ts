import type { Decision, Dialect } from '#shared/model/decision.ts';
import type { UserRef } from '#shared/model/identity.ts';
import type { Logger } from '#shared/log/logger.ts';
import type { Metrics } from '#shared/log/metrics.ts';
import { decideSubscription, trustedView, type Snapshot } from '#shared/policy/index.ts';
import type { SourceEntry } from '#shared/policy/source-entry.ts';
import type { AccessRequestRepository } from '#shared/store/access-requests.ts';
import type { AuditBatcher } from '#shared/store/audit-batch.ts';
import type { CatalogRepository } from '#shared/store/catalog.ts';
import type { GroupRepository } from '#shared/store/groups.ts';
import type { IamTrustRepository } from '#shared/store/iam-trust.ts';
import type { SnapshotArtifactRepository } from '#shared/store/snapshot-artifact.ts';
import type { PolicyRepository } from '#shared/store/policies.ts';
import type { UserRepository } from '#shared/store/users.ts';
import { UnknownDataSourceError, UnknownUserError } from './errors.ts';
import type { DecisionContext } from './context.ts';
import { decisionRecords, listingRecord } from './decision-audit.ts';
import { decideFailingClosed } from './fail-closed.ts';
import { queryAuditRecord, type QueriedSource, type QueryDecisions, type QueryRecord } from './query-audit.ts';
import { SnapshotCache, type LoadedSnapshot } from './snapshot-cache.ts';
import { snapshotLoader } from './snapshot-loader.ts';
import { approvalFor, UserCache, type CachedUser } from './user-cache.ts';

/** What decisions are made from: the repositories, the audit batcher, the deployment's IAM and refresh settings. */
export interface DecisionDeps {
  readonly catalog: CatalogRepository;
  readonly policies: PolicyRepository;
  readonly accessRequests: AccessRequestRepository;
  readonly users: UserRepository;
  readonly groups: GroupRepository;
  readonly iamTrust: IamTrustRepository;
  /** Absent: a cold instance always loads the whole store. */
  readonly snapshotArtifacts?: SnapshotArtifactRepository;
  readonly auditBatcher: AuditBatcher;
  readonly metrics: Metrics;
  readonly log: Logger;
  readonly config: { readonly defaultIam: string; readonly snapshotRefreshMs: number };
}

/**
 * Consistency promise: a catalog, tag or policy change is reflected by every decision that
 * starts more than `refreshMs` (default 1 s) after the change was acknowledged; an IAM-trust
 * change (or one that finds the instance too far behind to read the changes), once the full
 * rebuild it starts in the background is done. A change to a user's attributes, groups or access
 * requests, by every decision that starts more than `userCacheMs` (default 1 s) after it. Writes
 * through the API are read back at once by the catalog and policy reads (strongly consistent);
 * only decisions see this bounded lag.
 */
export interface DecisionOptions {
  /** How often the snapshot version is checked (default: `WARDEN_SNAPSHOT_REFRESH_MS`). */
  readonly refreshMs?: number;
  /** How long a user's groups, attributes and approvals are reused. */
  readonly userCacheMs?: number;
}

/** A source the user may query, as listed by `GET /v1/users/{iamid}/{userid}/data-sources`. */
export interface AccessibleSource {
  readonly id: string;
  readonly name: string;
  readonly access: 'granted';
}

/** A source a user may query, or only discover, with its compiled entry (columns, tags, domains). */
export interface VisibleSource {
  readonly entry: SourceEntry;
  readonly access: 'granted' | 'discoverable';
}

/** Explained access decisions over a cached snapshot; every decision audited. */
export class DecisionService {
  private readonly snapshots: SnapshotCache;
  private readonly usersCache: UserCache;
  private readonly audit: AuditBatcher;
  private readonly metrics: Metrics;

  constructor(deps: DecisionDeps, options: DecisionOptions = {}) {
    this.snapshots = new SnapshotCache(snapshotLoader(deps), options.refreshMs ?? deps.config.snapshotRefreshMs, (error) =>
      deps.log.error('snapshot refresh failed', { error: error instanceof Error ? error.message : String(error) }),
    );
    this.usersCache = new UserCache(deps, options.userCacheMs ?? 1000);
    this.audit = deps.auditBatcher;
    this.metrics = deps.metrics;
  }

  /** Forgets what this instance cached of a user, so that a change made here counts at once. */
  forgetUser(user: UserRef): void {
    this.usersCache.forget(user.iamid, user.userid);
  }

  /** The compiled snapshot decisions currently use. */
  snapshot(): Promise<LoadedSnapshot> {
    return this.snapshots.current();
  }

  /** The snapshot of a check begun now, with every acknowledged change; undefined while only a full rebuild can give one (see `SnapshotCache.fresh`). */
  freshSnapshot(): Promise<LoadedSnapshot | undefined> {
    return this.snapshots.fresh();
  }

  /** The user decisions see (cached `userCacheMs`): groups, attributes, approvals; unknown → `UnknownUserError`. */
  async user(ref: UserRef): Promise<CachedUser> {
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
    return { ...envelope, ...decideFailingClosed(snapshot, user, sourceId, dialect) };
  }

  /** The current snapshot and user, and the decision of each source; any unknown source → `UnknownDataSourceError`. */
  private async decideAll(ctx: DecisionContext, user: UserRef, sourceIds: readonly string[], dialect: Dialect, loaded?: LoadedSnapshot) {
    const [{ snapshot, version }, cached] = await Promise.all([loaded ?? this.snapshots.current(), this.user(user)]);
    const unknown = sourceIds.filter((id) => !snapshot.source(id));
    if (unknown.length) throw new UnknownDataSourceError(unknown.slice(0, 10));
    return { snapshot, version, cached, decisions: sourceIds.map((id) => this.evaluate(ctx, snapshot, cached, id, dialect)) };
  }

  /** Decides one (user, source); unknown user or source → `NotFoundError`. Audited before it returns. */
  async decide(ctx: DecisionContext, user: UserRef, sourceId: string, dialect: Dialect): Promise<Decision> {
    const [decision] = await this.decideMany(ctx, user, [sourceId], dialect);
    return decision!;
  }

  /** Decides several sources for one user; any unknown source fails the whole batch with 404. */
  async decideMany(ctx: DecisionContext, user: UserRef, sourceIds: readonly string[], dialect: Dialect): Promise<Decision[]> {
    const started = performance.now();
    const { decisions } = await this.decideAll(ctx, user, sourceIds, dialect);
    return this.audited(ctx, decisions, dialect, started);
  }

  /**
   * Decides one source on a snapshot and user the caller already holds (Trino's call resolved
   * its table and user on them); unknown source → `UnknownDataSourceError`. Audited before it returns.
   */
  async decideOn(ctx: DecisionContext, snapshot: Snapshot, user: CachedUser, sourceId: string, dialect: Dialect): Promise<Decision> {
    const started = performance.now();
    if (!snapshot.source(sourceId)) throw new UnknownDataSourceError([sourceId]);
    const [decision] = await this.audited(ctx, [this.evaluate(ctx, snapshot, user, sourceId, dialect)], dialect, started);
    return decision!;
  }

  /** Stores the audit records of the decisions (one per batch run) and counts them; resolves once every record is durable. */
  private async audited(ctx: DecisionContext, decisions: Decision[], dialect: Dialect, started: number): Promise<Decision[]> {
    await Promise.all(decisionRecords(ctx, decisions, dialect).map((r) => this.audit.write(r)));
    this.metrics.count('Decisions', decisions.length);
    this.metrics.latency('DecisionLatency', performance.now() - started);
    return decisions;
  }

  /**
   * Decides every source one query reads, for one user, without auditing them one by one: the
   * query engine writes the query's one record with `auditQuery` (in parallel with running it)
   * and returns no result before that record is stored. `loaded`, the snapshot the query's tables
   * were resolved on, is the one its sources are decided on (absent: the current one).
   */
  async decideQuery(ctx: DecisionContext, user: UserRef, sourceIds: readonly string[], dialect: Dialect, loaded?: LoadedSnapshot): Promise<QueryDecisions> {
    const started = performance.now();
    const { snapshot, version, cached, decisions } = await this.decideAll(ctx, user, sourceIds, dialect, loaded);
    const sources = decisions.map((decision): QueriedSource => {
      const s = snapshot.source(decision.dataSource)!.facts.source;
      return { id: decision.dataSource, name: s.name, table: `${s.database}.${s.schema}.${s.table}`, decision };
    });
    if (sources.length) {
      this.metrics.count('Decisions', sources.length);
      this.metrics.latency('DecisionLatency', performance.now() - started);
    }
    return { subject: trustedView(cached.view.subject, snapshot.trustedIams), sources, version };
  }

  /** Stores the one audit record of a query (ran, refused or failed); resolves once it is durable. */
  auditQuery(ctx: DecisionContext, query: QueryRecord): Promise<void> {
    return this.audit.write(queryAuditRecord(ctx, query));
  }

  /** Every source the user may query (one audit record for the listing). */
  async accessible(ctx: DecisionContext, user: UserRef): Promise<AccessibleSource[]> {
    const { listed } = await this.listing(ctx, user, false);
    return listed.map(({ entry, access }) => ({ id: entry.facts.source.id, name: entry.facts.source.name, access: access as 'granted' }));
  }

  /** Every source the user may query or discover, with its snapshot entry (one audit record). */
  async visible(ctx: DecisionContext, user: UserRef): Promise<VisibleSource[]> {
    return (await this.listing(ctx, user, true)).listed;
  }

  private async listing(ctx: DecisionContext, user: UserRef, discoverable: boolean): Promise<{ listed: VisibleSource[] }> {
    const [{ snapshot }, cached] = await Promise.all([this.snapshots.current(), this.user(user)]);
    const listed: VisibleSource[] = [];
    for (const id of snapshot.sourceIds) {
      const sub = decideSubscription(snapshot, cached.view.subject, id, approvalFor(cached, id));
      const entry = snapshot.source(id)!;
      if (sub?.access === 'granted') listed.push({ entry, access: 'granted' });
      else if (discoverable && sub?.discoverable) listed.push({ entry, access: 'discoverable' });
    }
    const granted = listed.filter((s) => s.access === 'granted');
    const grantedIds = granted.map((s) => s.entry.facts.source.id);
    await this.audit.write(listingRecord(ctx, user, grantedIds, discoverable ? listed.length - granted.length : undefined, snapshot.sourceIds.length));
    return { listed };
  }
}

/** The decision service over the composition root's repositories (`ServiceOptions.decisions`). */
export const decisionService = (deps: DecisionDeps): DecisionService => new DecisionService(deps);
