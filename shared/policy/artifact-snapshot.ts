import type { DataSource, Domain } from '#shared/model/catalog.ts';
import type { StoredPolicy } from '#shared/model/policy.ts';
import { chunkIndex, readBodyText, readHead, readIndex, readSource, type ArtifactChunk, type ArtifactMeta, type ChunkHead, type ChunkIndex } from './artifact.ts';
import { byId } from './derived-ids.ts';
import type { MapBase } from './layered-map.ts';
import type { SourceCell } from './snapshot-entries.ts';
import { snapshotOver, type Snapshot } from './snapshot.ts';
import { sourceFacts, type SourceFacts } from './source-facts.ts';

/** A source of an artifact's chunk, prepared for matching on first use: one object per source, no closures. */
class ChunkCell implements SourceCell {
  #facts?: SourceFacts;

  constructor(
    private readonly chunk: ReadChunk,
    private readonly at: number,
  ) {}

  facts(): SourceFacts {
    return (this.#facts ??= sourceFacts(this.chunk.source(this.at)));
  }
}

/**
 * One chunk of an artifact: its index is decoded when one of its ids or tables is first looked
 * up, its body unpacked to text when one of its sources is read, and each source parsed alone.
 */
class ReadChunk {
  #index?: ChunkIndex;
  #cells?: Map<string, ChunkCell>;
  #tables?: Map<string, readonly string[]>;
  #body?: string;

  constructor(
    private readonly chunk: ArtifactChunk,
    readonly head: ChunkHead,
  ) {}

  cells(): Map<string, ChunkCell> {
    if (!this.#cells) this.readIndex();
    return this.#cells!;
  }

  tables(): Map<string, readonly string[]> {
    if (!this.#tables) this.readIndex();
    return this.#tables!;
  }

  source(at: number): DataSource {
    return readSource((this.#body ??= readBodyText(this.chunk)), this.#index!, at);
  }

  private readIndex(): void {
    const index = (this.#index = readIndex(this.chunk, this.head));
    this.#cells = new Map(index.sources.map((id, at) => [id, new ChunkCell(this, at)]));
    this.#tables = new Map(index.tables);
  }
}

/** A map over the chunks whose items hash by key: a lookup reads one chunk's index, iterating reads them all. */
function chunkedMap<V>(chunks: readonly ReadChunk[], kind: 'source' | 'table', part: (c: ReadChunk) => Map<string, V>, size: number): MapBase<string, V> {
  const get = (key: string): V | undefined => part(chunks[chunkIndex(kind, key, chunks.length)]!).get(key);
  return {
    get,
    has: (key) => get(key) !== undefined,
    size,
    *[Symbol.iterator]() {
      for (const c of chunks) yield* part(c);
    },
  };
}

/**
 * The snapshot of an artifact: only the chunks' heads are read now (policies and domains, which
 * are compiled); a chunk's index when one of its ids or tables is first looked up, its sources
 * when one of them is first asked for. So a cold start costs the policies, not the catalog.
 * Equal to `compileSnapshot` of the same input. Throws `ArtifactFormatError` on a head it cannot read.
 */
export function snapshotFromArtifact(chunks: readonly ArtifactChunk[], meta: ArtifactMeta): Snapshot {
  const read = chunks.map((c) => new ReadChunk(c, readHead(c)));
  const domains: Domain[] = [];
  const policies: StoredPolicy[] = [];
  let sources = 0;
  let tables = 0;
  for (const { head } of read) {
    domains.push(...head.domains);
    policies.push(...head.policies);
    sources += head.sources;
    tables += head.tables;
  }
  domains.sort((a, b) => byId(a.id, b.id));
  policies.sort((a, b) => byId(a.document.policyKey, b.document.policyKey));
  let ids: string[] | undefined;
  const sourceIds = (): readonly string[] => (ids ??= read.flatMap((c) => [...c.cells().keys()]).sort(byId));
  return snapshotOver(
    { domains, policies, trustedIams: meta.trustedIams, defaultIam: meta.defaultIam },
    chunkedMap<SourceCell>(read, 'source', (c) => c.cells(), sources),
    chunkedMap(read, 'table', (c) => c.tables(), tables),
    sourceIds,
  );
}
