import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { DataSource, Domain } from '#shared/model/catalog.ts';
import type { StoredPolicy } from '#shared/model/policy.ts';
import { byId } from './derived-ids.ts';
import { physicalTableKey } from './snapshot.ts';

/** The artifact's format; a reader given another one loads the store instead. */
export const ARTIFACT_FORMAT = 3;

/**
 * One chunk as stored, three gzipped JSON parts: what every cold start reads (`head`: policies
 * and domains), what a lookup of one of its ids or tables reads (`index`), and the sources
 * (`body`), each parsed alone when first asked for.
 */
export interface ArtifactChunk {
  readonly head: Uint8Array;
  readonly index: Uint8Array;
  readonly body: Uint8Array;
}

/** The items of one chunk: the sources, domains and policies whose id hashes to it, and the physical tables whose key does. */
export interface ChunkContents {
  readonly sources: readonly DataSource[];
  readonly domains: readonly Domain[];
  readonly policies: readonly StoredPolicy[];
  /** Source ids by physical table key (`physicalTableKey`), each list in id order. */
  readonly tables: ReadonlyMap<string, readonly string[]>;
}

/** What every chunk shares, kept in the manifest. */
export interface ArtifactMeta {
  readonly trustedIams: readonly string[];
  readonly defaultIam: string;
}

/** A chunk's head: what a snapshot needs of every chunk before its first decision. */
export interface ChunkHead {
  readonly domains: readonly Domain[];
  readonly policies: readonly StoredPolicy[];
  /** How many sources and physical tables the chunk's index holds. */
  readonly sources: number;
  readonly tables: number;
}

/** A chunk's index: its sources' ids in the body's order, where each one's text lies in the body, and its physical tables. */
export interface ChunkIndex {
  readonly sources: readonly string[];
  /** Where source `i`'s JSON starts in the body's text (`spans[i]`) and ends (`spans[i + 1] - 1`); one more than `sources`. */
  readonly spans: readonly number[];
  readonly tables: ReadonlyArray<readonly [string, readonly string[]]>;
}

/** A chunk that cannot be read as this format (the reader loads the store instead). */
export class ArtifactFormatError extends Error {
  override readonly name = 'ArtifactFormatError';
}

/** Which of `chunks` chunks holds an item: FNV-1a of its kind and id, stable across builds and processes. */
export function chunkIndex(kind: 'source' | 'domain' | 'policy' | 'table', id: string, chunks: number): number {
  let h = 0x811c9dc5;
  const key = `${kind}:${id}`;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % chunks;
}

const gzipText = (text: string): Uint8Array => new Uint8Array(gzipSync(text));
const gzip = (value: unknown): Uint8Array => gzipText(JSON.stringify(value));

/**
 * The sources as one JSON array and where each one's text starts: a reader parses the one it is
 * asked for, so a decision's garbage is one source, not its chunk (which grows with the catalog).
 */
function bodyText(sources: readonly DataSource[]): { text: string; spans: number[] } {
  const parts = sources.map((s) => JSON.stringify(s));
  const spans: number[] = [];
  let at = 1;
  for (const part of parts) {
    spans.push(at);
    at += part.length + 1;
  }
  spans.push(at);
  return { text: `[${parts.join(',')}]`, spans };
}

/** A chunk's stored form. */
export function encodeChunk(contents: ChunkContents): ArtifactChunk {
  const sources = [...contents.sources].sort((a, b) => byId(a.id, b.id));
  const tables = [...contents.tables].sort(([a], [b]) => byId(a, b));
  const head: ChunkHead = {
    domains: [...contents.domains].sort((a, b) => byId(a.id, b.id)),
    policies: [...contents.policies].sort((a, b) => byId(a.document.policyKey, b.document.policyKey)),
    sources: sources.length,
    tables: tables.length,
  };
  const body = bodyText(sources);
  const index: ChunkIndex = { sources: sources.map((s) => s.id), spans: body.spans, tables };
  return { head: gzip(head), index: gzip(index), body: gzipText(body.text) };
}

/** The bytes a chunk item holds, for the item size limit. */
export const chunkBytes = (c: ArtifactChunk): number => c.head.byteLength + c.index.byteLength + c.body.byteLength;

/** A digest of a chunk's bytes, kept in the manifest so that a corrupt or stale chunk is found before it is used. */
export function chunkDigest(c: ArtifactChunk): string {
  return createHash('sha256').update(c.head).update(c.index).update(c.body).digest('base64url');
}

function parseText(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ArtifactFormatError(`unreadable artifact chunk ${what}: ${(error as Error).message}`);
  }
}

function unzip(bytes: Uint8Array, what: string): string {
  try {
    return gunzipSync(bytes).toString('utf8');
  } catch (error) {
    throw new ArtifactFormatError(`unreadable artifact chunk ${what}: ${(error as Error).message}`);
  }
}

const parse = (bytes: Uint8Array, what: string): unknown => parseText(unzip(bytes, what), what);

const notOfThisFormat = (what: string) => new ArtifactFormatError(`unreadable artifact chunk ${what}: not of this format`);

/** A chunk's head. Throws `ArtifactFormatError` when it is not one of this format. */
export function readHead(c: ArtifactChunk): ChunkHead {
  const head = parse(c.head, 'head') as Partial<ChunkHead> | null;
  if (!head || !Array.isArray(head.domains) || !Array.isArray(head.policies) || typeof head.sources !== 'number' || typeof head.tables !== 'number') throw notOfThisFormat('head');
  return head as ChunkHead;
}

/** Whether `spans` can be those of `sources` sources: safe integers, each source at least two characters (`{}`) and a separator long. */
function spansOf(spans: unknown, sources: number): spans is number[] {
  if (!Array.isArray(spans) || spans.length !== sources + 1) return false;
  let last = -2;
  for (const at of spans as unknown[]) {
    if (!Number.isSafeInteger(at) || (at as number) < last + 3) return false;
    last = at as number;
  }
  return true;
}

/** A chunk's index, checked against the counts of its head. */
export function readIndex(c: ArtifactChunk, head: ChunkHead): ChunkIndex {
  const index = parse(c.index, 'index') as Partial<ChunkIndex> | null;
  if (!index || !Array.isArray(index.sources) || !Array.isArray(index.tables) || index.sources.length !== head.sources || index.tables.length !== head.tables) throw notOfThisFormat('index');
  if (!spansOf(index.spans, head.sources)) throw notOfThisFormat('index');
  return index as ChunkIndex;
}

/** A chunk's body as text, for `readSource` (large, and free of pointers: the collector never copies or scans it). */
export const readBodyText = (c: ArtifactChunk): string => unzip(c.body, 'body');

/** Source `at` of a chunk, parsed alone from its body's text; checked to be the one its index names there. */
export function readSource(text: string, index: ChunkIndex, at: number): DataSource {
  const start = index.spans[at]!;
  const end = index.spans[at + 1]! - 1;
  const bounded = '[,'.includes(text[start - 1] ?? '') && ',]'.includes(text[end] ?? '');
  const source = bounded ? (parseText(text.slice(start, end), 'body') as Partial<DataSource> | null) : undefined;
  if (!source || typeof source !== 'object' || source.id !== index.sources[at]) throw notOfThisFormat('body');
  return source as DataSource;
}

/** A chunk's sources, as many as its head counts. */
export function readBody(c: ArtifactChunk, head: ChunkHead): DataSource[] {
  const body = parse(c.body, 'body');
  if (!Array.isArray(body) || body.length !== head.sources) throw notOfThisFormat('body');
  return body as DataSource[];
}

/** Everything a chunk holds, decoded at once (for the builder, which rewrites it). */
export function decodeChunk(c: ArtifactChunk): ChunkContents {
  const head = readHead(c);
  const index = readIndex(c, head);
  return { sources: readBody(c, head), domains: head.domains, policies: head.policies, tables: new Map(index.tables) };
}

/** The chunks of a whole input, `chunks` of them. */
export function encodeArtifact(input: Omit<ChunkContents, 'tables'>, chunks: number): ArtifactChunk[] {
  const parts = Array.from({ length: chunks }, () => ({ sources: [] as DataSource[], domains: [] as Domain[], policies: [] as StoredPolicy[], tables: new Map<string, string[]>() }));
  for (const s of [...input.sources].sort((a, b) => byId(a.id, b.id))) {
    parts[chunkIndex('source', s.id, chunks)]!.sources.push(s);
    const key = physicalTableKey(s);
    const tables = parts[chunkIndex('table', key, chunks)]!.tables;
    const ids = tables.get(key);
    if (ids) ids.push(s.id);
    else tables.set(key, [s.id]);
  }
  for (const d of input.domains) parts[chunkIndex('domain', d.id, chunks)]!.domains.push(d);
  for (const p of input.policies) parts[chunkIndex('policy', p.document.policyKey, chunks)]!.policies.push(p);
  return parts.map(encodeChunk);
}
