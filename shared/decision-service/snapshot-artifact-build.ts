import type { Logger } from '#shared/log/logger.ts';
import { ARTIFACT_FORMAT, ArtifactFormatError, chunkBytes, chunkDigest, chunkIndex, decodeChunk, encodeArtifact, encodeChunk, physicalTableKey, type ArtifactChunk, type ChunkContents, type SnapshotDelta } from '#shared/policy/index.ts';
import { SnapshotArtifactRepository, type ArtifactManifest } from '#shared/store/snapshot-artifact.ts';
import { insertSorted } from '#shared/policy/derived-ids.ts';
import type { SnapshotLoader } from './snapshot-loader.ts';

/** A chunk item stays under DynamoDB's 400 KB item limit with room for its keys. */
export const MAX_CHUNK_BYTES = 350_000;
/** The fewest chunks of an artifact: a changed item rewrites one of them. */
const MIN_CHUNKS = 16;
/** About this many sources a chunk to start with (doubled while a chunk is too large). */
const SOURCES_PER_CHUNK = 500;
/** Builders that lose the manifest to another one start over from its manifest this many times. */
const ATTEMPTS = 3;

/** What a build did. */
export interface ArtifactBuild {
  readonly version: number;
  /** Chunks rewritten (0: the artifact was current). */
  readonly written: number;
  readonly full: boolean;
}

/** What the builder reads and writes through. */
export interface ArtifactBuilderDeps {
  readonly loader: Pick<SnapshotLoader, 'version' | 'full' | 'delta'>;
  readonly artifacts: SnapshotArtifactRepository;
  readonly log: Logger;
}

const pow2AtLeast = (n: number): number => 2 ** Math.ceil(Math.log2(Math.max(1, n)));

type Plan = { manifest: ArtifactManifest; written: Map<number, ArtifactChunk> };

async function fullPlan(deps: ArtifactBuilderDeps, version: number): Promise<Plan> {
  const input = await deps.loader.full();
  for (let n = pow2AtLeast(Math.max(MIN_CHUNKS, input.sources.length / SOURCES_PER_CHUNK)); ; n *= 2) {
    const chunks = encodeArtifact(input, n);
    if (chunks.some((c) => chunkBytes(c) > MAX_CHUNK_BYTES)) continue;
    const generation = SnapshotArtifactRepository.generation(version);
    const manifest: ArtifactManifest = {
      format: ARTIFACT_FORMAT,
      version,
      generation,
      chunks: chunks.map((c) => ({ generation, digest: chunkDigest(c) })),
      trustedIams: [...input.trustedIams],
      defaultIam: input.defaultIam ?? '',
    };
    return { manifest, written: new Map(chunks.map((c, i) => [i, c])) };
  }
}

function apply<T>(items: readonly T[], idOf: (item: T) => string, changes: ReadonlyMap<string, T | undefined>, index: number, kind: 'source' | 'domain' | 'policy', chunks: number): T[] {
  const mine = [...changes].filter(([id]) => chunkIndex(kind, id, chunks) === index);
  if (!mine.length) return [...items];
  const changed = new Set(mine.map(([id]) => id));
  return [...items.filter((i) => !changed.has(idOf(i))), ...mine.flatMap(([, item]) => (item ? [item] : []))];
}

/** A source that moved between physical tables (or came or went): the keys it leaves and joins. */
type TableMove = { readonly id: string; readonly from?: string; readonly to?: string };

function moveTables(tables: ReadonlyMap<string, readonly string[]>, moves: readonly TableMove[], index: number, chunks: number): Map<string, readonly string[]> {
  const next = new Map(tables);
  const mine = (key: string | undefined): key is string => key !== undefined && chunkIndex('table', key, chunks) === index;
  for (const { id, from, to } of moves) {
    if (mine(from)) {
      const left = (next.get(from) ?? []).filter((x) => x !== id);
      if (left.length) next.set(from, left);
      else next.delete(from);
    }
    if (mine(to)) next.set(to, insertSorted((next.get(to) ?? []).filter((x) => x !== id), id));
  }
  return next;
}

/** The chunks of `indexes` decoded, or undefined when one is missing, not the one the manifest names, or of another format. */
async function readChunks(deps: ArtifactBuilderDeps, manifest: ArtifactManifest, indexes: readonly number[]): Promise<Map<number, ChunkContents> | undefined> {
  const decoded = new Map<number, ChunkContents>();
  for (const [i, chunk] of await deps.artifacts.chunks(manifest, indexes)) {
    if (!chunk || chunkDigest(chunk) !== manifest.chunks[i]!.digest) return undefined;
    try {
      decoded.set(i, decodeChunk(chunk));
    } catch (error) {
      if (error instanceof ArtifactFormatError) return undefined;
      throw error;
    }
  }
  return decoded;
}

/**
 * The chunks `delta` touches rewritten: those its items hash to, then those of the physical tables
 * a changed source leaves or joins (known once its own chunk is read; most changes move none).
 * Undefined when one cannot be read or grows too large (a full build follows).
 */
async function deltaPlan(deps: ArtifactBuilderDeps, previous: ArtifactManifest, version: number, delta: SnapshotDelta): Promise<Plan | undefined> {
  const n = previous.chunks.length;
  const touched = new Set([...[...delta.sources.keys()].map((id) => chunkIndex('source', id, n)), ...[...delta.domains.keys()].map((id) => chunkIndex('domain', id, n)), ...[...delta.policies.keys()].map((k) => chunkIndex('policy', k, n))]);
  const decoded = await readChunks(deps, previous, [...touched]);
  if (!decoded) return undefined;
  const moves: TableMove[] = [];
  for (const [id, source] of delta.sources) {
    const old = decoded.get(chunkIndex('source', id, n))!.sources.find((s) => s.id === id);
    const move = { id, from: old && physicalTableKey(old), to: source && physicalTableKey(source) };
    if (move.from !== move.to) moves.push(move);
  }
  const tableChunks = new Set(moves.flatMap((m) => [m.from, m.to].flatMap((key) => (key === undefined ? [] : [chunkIndex('table', key, n)]))));
  const left = [...tableChunks].filter((i) => !decoded.has(i));
  const more = left.length ? await readChunks(deps, previous, left) : new Map<number, ChunkContents>();
  if (!more) return undefined;
  const generation = SnapshotArtifactRepository.generation(version);
  const written = new Map<number, ArtifactChunk>();
  const chunks = [...previous.chunks];
  for (const [i, contents] of [...decoded, ...more]) {
    const next = encodeChunk({
      sources: apply(contents.sources, (s) => s.id, delta.sources, i, 'source', n),
      domains: apply(contents.domains, (d) => d.id, delta.domains, i, 'domain', n),
      policies: apply(contents.policies, (p) => p.document.policyKey, delta.policies, i, 'policy', n),
      tables: moveTables(contents.tables, moves, i, n),
    });
    if (chunkBytes(next) > MAX_CHUNK_BYTES) return undefined;
    written.set(i, next);
    chunks[i] = { generation, digest: chunkDigest(next) };
  }
  return { manifest: { ...previous, version, generation, chunks }, written };
}

/**
 * Brings the snapshot artifact up to the current version: the chunks that the changes since its
 * manifest touch are rewritten (their other items kept), or, when there is no usable manifest or
 * the changes cannot be read (a gap, a trust change, a chunk unreadable or grown too large), every
 * chunk from a full load (`full`: always, which also replaces a chunk found corrupt). Safe to run
 * concurrently: a build that loses the manifest starts over.
 */
export async function buildArtifact(deps: ArtifactBuilderDeps, options: { readonly full?: boolean } = {}): Promise<ArtifactBuild> {
  for (let attempt = 1; ; attempt++) {
    const previous = await deps.artifacts.manifest();
    const version = await deps.loader.version();
    const usable = previous?.format === ARTIFACT_FORMAT && !options.full ? previous : undefined;
    if (usable && usable.version >= version) return { version: usable.version, written: 0, full: false };
    const delta = usable && (await deps.loader.delta(usable.version, version));
    const incremental = usable && delta && (await deltaPlan(deps, usable, version, delta));
    const plan = incremental || (await fullPlan(deps, version));
    if (await deps.artifacts.replace(previous, plan.manifest, plan.written)) {
      const build = { version, written: plan.written.size, full: !incremental };
      deps.log.info('snapshot artifact built', { ...build, chunks: plan.manifest.chunks.length });
      return build;
    }
    if (attempt === ATTEMPTS) throw new Error('the snapshot artifact kept being replaced by other builds');
  }
}

/**
 * Runs `buildArtifact` now and every `everyMs` on an unref'd timer (the local runtime's stand-in
 * for the stream-triggered function); a failed run is reported and the next one tries again.
 * Returns what stops it.
 */
export function startArtifactBuilder(deps: ArtifactBuilderDeps, everyMs: number): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const run = () => {
    running = running.then(() => buildArtifact(deps)).catch((error: unknown) => deps.log.error('snapshot artifact build failed', { error: error instanceof Error ? error.message : String(error) }));
  };
  run();
  const timer = setInterval(run, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
