import type { Logger } from '#shared/log/logger.ts';
import { ARTIFACT_FORMAT, ArtifactFormatError, chunkDigest, snapshotFromArtifact, type ArtifactChunk, type Snapshot } from '#shared/policy/index.ts';
import type { SnapshotArtifactRepository } from '#shared/store/snapshot-artifact.ts';

/** A snapshot read from the artifact, at the version its manifest names. */
export interface ArtifactSnapshot {
  readonly snapshot: Snapshot;
  readonly version: number;
}

/**
 * The snapshot of the stored artifact: one GetItem of the manifest, then BatchGetItem of its
 * chunks (a few calls whatever the catalog's size); the chunks' sources are decoded when first
 * asked for. Undefined, and logged, when there is none or it cannot be used (another format or
 * default IAM, a chunk missing or not what the manifest says): the caller loads the store.
 */
export async function loadArtifact(artifacts: SnapshotArtifactRepository, defaultIam: string, log: Logger): Promise<ArtifactSnapshot | undefined> {
  const started = performance.now();
  const manifest = await artifacts.manifest();
  if (!manifest) {
    log.info('no snapshot artifact: loading the whole store');
    return undefined;
  }
  const refuse = (reason: string): undefined => {
    log.warn('snapshot artifact not used: loading the whole store', { reason, version: manifest.version });
    return undefined;
  };
  if (manifest.format !== ARTIFACT_FORMAT) return refuse(`format ${manifest.format}`);
  if (manifest.defaultIam !== defaultIam) return refuse(`built for default iam \`${manifest.defaultIam}\``);
  const read = await artifacts.chunks(manifest);
  const chunks: ArtifactChunk[] = [];
  for (const [i, chunk] of read) {
    if (!chunk) return refuse(`chunk ${i} is missing`);
    // The digest covers the bodies too, decoded only later: a corrupt one is found now, not in a decision.
    if (chunkDigest(chunk) !== manifest.chunks[i]!.digest) return refuse(`chunk ${i} is not the one the manifest names`);
    chunks.push(chunk);
  }
  try {
    const snapshot = snapshotFromArtifact(chunks, manifest);
    log.info('snapshot artifact loaded', { version: manifest.version, chunks: chunks.length, ms: Math.round(performance.now() - started) });
    return { snapshot, version: manifest.version };
  } catch (error) {
    if (error instanceof ArtifactFormatError) return refuse(error.message);
    throw error;
  }
}
