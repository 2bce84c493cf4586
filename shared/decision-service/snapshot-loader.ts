import type { Logger } from '#shared/log/logger.ts';
import type { SnapshotDelta, SnapshotInput } from '#shared/policy/index.ts';
import type { CatalogRepository } from '#shared/store/catalog.ts';
import { trustedIams, type IamTrustRepository } from '#shared/store/iam-trust.ts';
import type { PolicyRepository } from '#shared/store/policies.ts';
import type { SnapshotChange } from '#shared/store/snapshot-changes.ts';
import type { SnapshotArtifactRepository } from '#shared/store/snapshot-artifact.ts';
import { loadArtifact, type ArtifactSnapshot } from './snapshot-artifact-load.ts';

/** Where a snapshot cache reads from: the version, the whole input, or what changed between two versions. */
export interface SnapshotLoader {
  /** The current snapshot version (one GetItem). */
  version(): Promise<number>;
  /** Everything a snapshot is compiled from (a scan of the catalog, every policy, the trust marks). */
  full(): Promise<SnapshotInput>;
  /** What versions `after` + 1 … `upTo` changed, or undefined when only a full load can tell (a gap, a trust change). */
  delta(after: number, upTo: number): Promise<SnapshotDelta | undefined>;
  /** The snapshot of the stored artifact, or undefined when there is none to use (see `loadArtifact`). */
  artifact(): Promise<ArtifactSnapshot | undefined>;
}

/** What the loader reads through. */
export interface SnapshotLoaderDeps {
  readonly catalog: CatalogRepository;
  readonly policies: PolicyRepository;
  readonly iamTrust: IamTrustRepository;
  /** Absent: a cold instance always loads the whole store. */
  readonly snapshotArtifacts?: SnapshotArtifactRepository;
  readonly log: Logger;
  readonly config: { readonly defaultIam: string };
}

const idsOf = (changes: readonly SnapshotChange[], kind: SnapshotChange['kind']): string[] => [...new Set(changes.filter((c) => c.kind === kind).map((c) => c.id))];

/**
 * The loader over the repositories: a delta costs one Query of the change records and a
 * BatchGetItem of the items they name (a deleted one is absent), whatever the catalog's size.
 */
export function snapshotLoader(deps: SnapshotLoaderDeps): SnapshotLoader {
  const { defaultIam } = deps.config;
  return {
    version: () => deps.policies.snapshotVersion(),
    artifact: async () => (deps.snapshotArtifacts ? loadArtifact(deps.snapshotArtifacts, defaultIam, deps.log) : undefined),
    async full() {
      const started = performance.now();
      const [catalog, policies, trust] = await Promise.all([deps.catalog.scan(), deps.policies.list(), deps.iamTrust.read()]);
      // Logged with the request whose decision found the snapshot stale (see `createLogger`).
      deps.log.info('snapshot loaded', { sources: catalog.sources.length, policies: policies.length, ms: Math.round(performance.now() - started) });
      return { ...catalog, policies, trustedIams: trustedIams(trust, defaultIam), defaultIam };
    },
    async delta(after, upTo) {
      const changes = await deps.policies.changes(after, upTo);
      // Trust changes what every subscription policy compiles to: only a full compile says what.
      if (!changes || changes.some((c) => c.kind === 'trust')) return undefined;
      const [sourceIds, domainIds, policyKeys] = [idsOf(changes, 'source'), idsOf(changes, 'domain'), idsOf(changes, 'policy')];
      const [catalog, policies] = await Promise.all([deps.catalog.getMany(sourceIds, domainIds), deps.policies.getMany(policyKeys)]);
      const sources = new Map(catalog.sources.map((s) => [s.id, s]));
      const domains = new Map(catalog.domains.map((d) => [d.id, d]));
      const stored = new Map(policies.map((p) => [p.document.policyKey, p]));
      return {
        sources: new Map(sourceIds.map((id) => [id, sources.get(id)])),
        domains: new Map(domainIds.map((id) => [id, domains.get(id)])),
        policies: new Map(policyKeys.map((key) => [key, stored.get(key)])),
      };
    },
  };
}
