import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { DataSource, Domain } from '#shared/model/catalog.ts';
import type { StoredPolicy } from '#shared/model/policy.ts';
import { byId } from './derived-ids.ts';
import { lazyCell } from './snapshot-entries.ts';
import { physicalTableKey, snapshotFrom, type FiledSource, type Snapshot } from './snapshot.ts';
import type { TagCount } from './source-entry.ts';
import { countTags } from './snapshot-state.ts';

/** The artifact's format; a reader given another one loads the store instead. */
export const ARTIFACT_FORMAT = 1;

/** One chunk as stored: what a snapshot reads at once (`head`) and the sources, read on first use (`body`), both gzipped JSON. */
export interface ArtifactChunk {
  readonly head: Uint8Array;
  readonly body: Uint8Array;
}

/** What a chunk holds: the items whose id hashes to it. */
export interface ChunkContents {
  readonly sources: readonly DataSource[];
  readonly domains: readonly Domain[];
  readonly policies: readonly StoredPolicy[];
}

/** What every chunk shares, kept in the manifest. */
export interface ArtifactMeta {
  readonly trustedIams: readonly string[];
  readonly defaultIam: string;
}

interface ChunkHead {
  /** id, platform, database, schema, table of each source, in the body's order. */
  readonly sources: ReadonlyArray<readonly [string, string, string, string, string]>;
  readonly tagCounts: ReadonlyArray<readonly [string, number, number]>;
  readonly domains: readonly Domain[];
  readonly policies: readonly StoredPolicy[];
}

/** A chunk that cannot be read as this format (the reader loads the store instead). */
export class ArtifactFormatError extends Error {
  override readonly name = 'ArtifactFormatError';
}

/** Which of `chunks` chunks holds an item: FNV-1a of its kind and id, stable across builds and processes. */
export function chunkIndex(kind: 'source' | 'domain' | 'policy', id: string, chunks: number): number {
  let h = 0x811c9dc5;
  const key = `${kind}:${id}`;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % chunks;
}

const gzip = (value: unknown): Uint8Array => new Uint8Array(gzipSync(JSON.stringify(value)));

/** A chunk's stored form. */
export function encodeChunk(contents: ChunkContents): ArtifactChunk {
  const sources = [...contents.sources].sort((a, b) => byId(a.id, b.id));
  const counts = new Map<string, { dataSources: number; columns: number }>();
  for (const s of sources) countTags(counts, s, 1);
  const head: ChunkHead = {
    sources: sources.map((s) => [s.id, s.platform, s.database, s.schema, s.table] as const),
    tagCounts: [...counts].map(([tag, c]) => [tag, c.dataSources, c.columns] as const),
    domains: [...contents.domains].sort((a, b) => byId(a.id, b.id)),
    policies: [...contents.policies].sort((a, b) => byId(a.document.policyKey, b.document.policyKey)),
  };
  return { head: gzip(head), body: gzip(sources) };
}

/** The bytes a chunk item holds, for the item size limit. */
export const chunkBytes = (c: ArtifactChunk): number => c.head.byteLength + c.body.byteLength;

/** A digest of a chunk's bytes, kept in the manifest so that a corrupt or stale chunk is found before it is used. */
export function chunkDigest(c: ArtifactChunk): string {
  return createHash('sha256').update(c.head).update(c.body).digest('base64url');
}

function parse(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(gunzipSync(bytes).toString('utf8'));
  } catch (error) {
    throw new ArtifactFormatError(`unreadable artifact chunk ${what}: ${(error as Error).message}`);
  }
}

function readHead(c: ArtifactChunk): ChunkHead {
  const head = parse(c.head, 'head') as Partial<ChunkHead> | null;
  if (!head || !Array.isArray(head.sources) || !Array.isArray(head.tagCounts) || !Array.isArray(head.domains) || !Array.isArray(head.policies)) {
    throw new ArtifactFormatError('unreadable artifact chunk head: not of this format');
  }
  return head as ChunkHead;
}

function readBody(c: ArtifactChunk, count: number): DataSource[] {
  const body = parse(c.body, 'body');
  if (!Array.isArray(body) || body.length !== count) throw new ArtifactFormatError('unreadable artifact chunk body: not of this format');
  return body as DataSource[];
}

/** Everything a chunk holds, decoded at once (for the builder, which rewrites it). */
export function decodeChunk(c: ArtifactChunk): ChunkContents {
  const head = readHead(c);
  return { sources: readBody(c, head.sources.length), domains: head.domains, policies: head.policies };
}

/** The chunks of a whole input, `chunks` of them. */
export function encodeArtifact(input: ChunkContents, chunks: number): ArtifactChunk[] {
  const parts = Array.from({ length: chunks }, () => ({ sources: [] as DataSource[], domains: [] as Domain[], policies: [] as StoredPolicy[] }));
  for (const s of input.sources) parts[chunkIndex('source', s.id, chunks)]!.sources.push(s);
  for (const d of input.domains) parts[chunkIndex('domain', d.id, chunks)]!.domains.push(d);
  for (const p of input.policies) parts[chunkIndex('policy', p.document.policyKey, chunks)]!.policies.push(p);
  return parts.map(encodeChunk);
}

/**
 * The snapshot of an artifact: the chunks' heads are read now (policies, domains, where each
 * source lives, tag counts), a chunk's sources when one of them is first asked for; equal to
 * `compileSnapshot` of the same input. Throws `ArtifactFormatError` on a head it cannot read.
 */
export function snapshotFromArtifact(chunks: readonly ArtifactChunk[], meta: ArtifactMeta): Snapshot {
  const filed: FiledSource[] = [];
  const tagCounts = new Map<string, TagCount>();
  const domains: Domain[] = [];
  const policies: StoredPolicy[] = [];
  for (const chunk of chunks) {
    const head = readHead(chunk);
    let body: DataSource[] | undefined;
    const read = (i: number) => (): DataSource => (body ??= readBody(chunk, head.sources.length))[i]!;
    head.sources.forEach(([id, platform, database, schema, table], i) => {
      filed.push({ id, table: physicalTableKey({ platform: platform as DataSource['platform'], database, schema, table }), cell: lazyCell(read(i)) });
    });
    for (const [tag, dataSources, columns] of head.tagCounts) {
      const c = tagCounts.get(tag);
      tagCounts.set(tag, { dataSources: (c?.dataSources ?? 0) + dataSources, columns: (c?.columns ?? 0) + columns });
    }
    domains.push(...head.domains);
    policies.push(...head.policies);
  }
  filed.sort((a, b) => byId(a.id, b.id));
  domains.sort((a, b) => byId(a.id, b.id));
  policies.sort((a, b) => byId(a.document.policyKey, b.document.policyKey));
  return snapshotFrom({ domains, policies, trustedIams: meta.trustedIams, defaultIam: meta.defaultIam }, filed, tagCounts);
}
