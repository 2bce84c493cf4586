import { Map as PersistentMap } from 'immutable';

const GONE: unique symbol = Symbol('gone');

/** What a layered map reads of its base: a `Map` is one, and so is a base that reads itself on demand. */
export interface MapBase<K, V> extends Iterable<[K, V]> {
  get(key: K): V | undefined;
  has(key: K): boolean;
  readonly size: number;
}

/**
 * An immutable map that changes derive from another without copying it: the changes sit in a
 * persistent map (a hash array mapped trie, `immutable`'s `Map`) over the shared base, so a
 * change costs O(log n) for the keys it changes, never a copy of the layer or a merge into the
 * base, and a lookup at most two. The base, which may read itself on demand (an artifact's
 * chunks), is never iterated but by `entries` and its size read only by `size`.
 */
export class LayeredMap<K, V> {
  private constructor(
    private readonly base: MapBase<K, V>,
    private readonly top: PersistentMap<K, V | typeof GONE>,
    /** Keys the layer adds to the base's count (negative: removes). */
    private readonly grown: number,
  ) {}

  /** A layered map over `base`, which it owns from now on (never changed by it). */
  static of<K, V>(base: MapBase<K, V>): LayeredMap<K, V> {
    return new LayeredMap(base, PersistentMap<K, V | typeof GONE>(), 0);
  }

  /** How many keys the map holds. */
  get size(): number {
    return this.base.size + this.grown;
  }

  /** The value of `key`, or undefined. */
  get(key: K): V | undefined {
    const v = this.top.get(key);
    if (v === GONE) return undefined;
    return v ?? this.base.get(key);
  }

  /** Whether `key` is in the map. */
  has(key: K): boolean {
    return this.get(key) !== undefined;
  }

  /** Every key and value, in no promised order. */
  *entries(): IterableIterator<[K, V]> {
    for (const [k, v] of this.base) if (!this.top.has(k)) yield [k, v];
    for (const [k, v] of this.top) if (v !== GONE) yield [k, v];
  }

  /** The map with `changes` applied: a value sets its key, undefined deletes it. */
  with(changes: ReadonlyMap<K, V | undefined>): LayeredMap<K, V> {
    let grown = this.grown;
    const top = this.top.withMutations((layer) => {
      for (const [k, v] of changes) {
        const was = layer.get(k);
        const had = was === undefined ? this.base.has(k) : was !== GONE;
        grown += (v === undefined ? 0 : 1) - (had ? 1 : 0);
        if (v !== undefined) layer.set(k, v);
        else if (this.base.has(k)) layer.set(k, GONE);
        else layer.delete(k);
      }
    });
    return new LayeredMap(this.base, top, grown);
  }
}
