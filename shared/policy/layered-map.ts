const GONE: unique symbol = Symbol('gone');

/** Below this many changed keys a layer is kept however small its base. */
const MIN_LAYER = 64;
/** A layer larger than its base divided by this is merged into a new base. */
const LAYER_RATIO = 8;

/** What a layered map reads of its base: a `Map` is one, and so is a base that reads itself on demand. */
export interface MapBase<K, V> extends Iterable<[K, V]> {
  get(key: K): V | undefined;
  has(key: K): boolean;
  readonly size: number;
}

/**
 * An immutable map that a few changes derive from another without copying it: the changes sit
 * in a small layer over the shared base, and the layer is merged into a new base once it holds
 * more than an eighth of it, so a change costs O(1) amortized and a lookup at most two. The base
 * is only iterated by a merge, and its size read only once the layer outgrows `MIN_LAYER`.
 */
export class LayeredMap<K, V> {
  private constructor(
    private readonly base: MapBase<K, V>,
    private readonly top: ReadonlyMap<K, V | typeof GONE>,
    /** Keys the layer adds to the base's count (negative: removes). */
    private readonly grown: number,
  ) {}

  /** A layered map over `base`, which it owns from now on (never changed by it). */
  static of<K, V>(base: MapBase<K, V>): LayeredMap<K, V> {
    return new LayeredMap(base, new Map(), 0);
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
    const top = new Map(this.top);
    let grown = this.grown;
    for (const [k, v] of changes) {
      grown += (v === undefined ? 0 : 1) - (this.has(k) ? 1 : 0);
      if (v !== undefined) top.set(k, v);
      else if (this.base.has(k)) top.set(k, GONE);
      else top.delete(k);
    }
    if (top.size <= MIN_LAYER || top.size * LAYER_RATIO <= this.base.size) return new LayeredMap(this.base, top, grown);
    const merged = new Map(this.base);
    for (const [k, v] of top) {
      if (v === GONE) merged.delete(k);
      else merged.set(k, v);
    }
    return LayeredMap.of(merged);
  }
}
