import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ArtifactChunk } from '#shared/policy/index.ts';
import { batchGet, batchWrite } from './batch.ts';
import type { Db } from './client.ts';
import { isConditionFailure, StoreUnavailableError } from './errors.ts';
import { artifactKeys } from './key-formats.ts';

/** One chunk as the manifest names it: the generation of its item and the digest of its bytes. */
export interface ManifestChunk {
  readonly generation: string;
  readonly digest: string;
}

/** The item that says which snapshot version the artifact reflects and where its chunks are. */
export interface ArtifactManifest {
  readonly format: number;
  /** Every change up to this version is in the chunks (later ones may be too: they are read again). */
  readonly version: number;
  /** This manifest's own id: the next one is written on the condition that this one is still current. */
  readonly generation: string;
  /** By chunk index. */
  readonly chunks: readonly ManifestChunk[];
  readonly trustedIams: readonly string[];
  readonly defaultIam: string;
}

/** How long a replaced chunk stays readable for an instance that read the manifest before it was replaced. */
export const RETIRED_CHUNK_SECONDS = 60 * 60;

/** A BatchGetItem answers at most 16 MB: this many items of up to 400 KB each. */
const CHUNKS_PER_READ = 40;
/** Items of a BatchWriteItem. */
const CHUNKS_PER_WRITE = 25;

const keyOf = (index: number, c: ManifestChunk) => artifactKeys.chunk(index, c.generation);
const bytes = (value: unknown): Uint8Array | undefined => (value instanceof Uint8Array ? value : undefined);

/**
 * The snapshot artifact in the policies table: a manifest item and immutable chunk items. A new
 * generation writes its chunk items first, then replaces the manifest on the condition that the
 * one it started from is still current, then marks the items it replaced for expiry; a reader
 * therefore always finds every chunk its manifest names.
 */
export class SnapshotArtifactRepository {
  constructor(private readonly db: Db) {}

  private get table(): string {
    return this.db.tables.policies;
  }

  /** A fresh generation id (never reused, so a builder that loses a race retires only its own items). */
  static generation(version: number): string {
    return `${String(version).padStart(15, '0')}#${randomUUID()}`;
  }

  /** The current manifest, or undefined when no artifact was ever built. */
  async manifest(): Promise<ArtifactManifest | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.table, Key: artifactKeys.manifest, ConsistentRead: true }));
    if (!res.Item) return undefined;
    const { pk: _pk, sk: _sk, ...manifest } = res.Item;
    return manifest as ArtifactManifest;
  }

  /** The chunks of `indexes` (every chunk by default) by index; a missing item is undefined. */
  async chunks(manifest: ArtifactManifest, indexes: readonly number[] = manifest.chunks.map((_, i) => i)): Promise<Map<number, ArtifactChunk | undefined>> {
    const wanted = indexes.map((i) => keyOf(i, manifest.chunks[i]!));
    const calls: Promise<Record<string, unknown>[]>[] = [];
    for (let i = 0; i < wanted.length; i += CHUNKS_PER_READ) calls.push(batchGet(this.db, { [this.table]: { Keys: wanted.slice(i, i + CHUNKS_PER_READ) } }));
    const byKey = new Map((await Promise.all(calls)).flat().map((item) => [`${item.pk}\u0000${item.sk}`, item]));
    return new Map(
      indexes.map((i, n) => {
        const item = byKey.get(`${wanted[n]!.pk}\u0000${wanted[n]!.sk}`);
        const head = bytes(item?.head);
        const index = bytes(item?.index);
        const body = bytes(item?.body);
        return [i, head && index && body ? { head, index, body } : undefined];
      }),
    );
  }

  /**
   * Writes `written` (chunk items of `next`'s generation) and makes `next` the manifest if
   * `previous` is still current; returns false when another builder replaced it first (this
   * build's items are then marked for expiry, and the caller starts over from the new manifest).
   */
  async replace(previous: ArtifactManifest | undefined, next: ArtifactManifest, written: ReadonlyMap<number, ArtifactChunk>): Promise<boolean> {
    const items = [...written].map(([i, c]) => ({ PutRequest: { Item: { ...keyOf(i, next.chunks[i]!), head: c.head, index: c.index, body: c.body } } }));
    const writes: Promise<unknown[]>[] = [];
    for (let i = 0; i < items.length; i += CHUNKS_PER_WRITE) writes.push(batchWrite(this.db, this.table, items.slice(i, i + CHUNKS_PER_WRITE)));
    if ((await Promise.all(writes)).some((left) => left.length)) throw new StoreUnavailableError('dynamodb left chunks of the snapshot artifact unwritten');
    try {
      await this.db.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...artifactKeys.manifest, ...next },
          ...(previous ? { ConditionExpression: '#g = :g', ExpressionAttributeNames: { '#g': 'generation' }, ExpressionAttributeValues: { ':g': previous.generation } } : { ConditionExpression: 'attribute_not_exists(pk)' }),
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      await this.retire([...written.keys()].map((i) => keyOf(i, next.chunks[i]!)));
      return false;
    }
    const replaced = (previous?.chunks ?? []).map((c, i) => (next.chunks[i]?.generation === c.generation ? undefined : keyOf(i, c)));
    await this.retire(replaced.filter((k) => k !== undefined));
    return true;
  }

  private async retire(keys: readonly { pk: string; sk: string }[]): Promise<void> {
    const purgeAt = Math.floor(Date.now() / 1000) + RETIRED_CHUNK_SECONDS;
    await Promise.all(
      keys.map((Key) =>
        this.db.doc
          .send(new UpdateCommand({ TableName: this.table, Key, UpdateExpression: 'SET purgeAt = :p', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':p': purgeAt } }))
          .catch((err: unknown) => {
            // Already gone: nothing to retire.
            if (!isConditionFailure(err)) throw err;
          }),
      ),
    );
  }
}
