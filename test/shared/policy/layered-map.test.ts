import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LayeredMap, type MapBase } from '#shared/policy/layered-map.ts';

describe('layered map', () => {
  it('answers as a plain map after any batches of changes, leaving earlier maps as they were (property)', () => {
    const batch = fc.array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.option(fc.string(), { nil: undefined })), { maxLength: 120 });
    fc.assert(
      fc.property(fc.array(batch, { maxLength: 8 }), (batches) => {
        let plain = new Map<number, string>();
        let layered = LayeredMap.of(new Map<number, string>());
        const history: Array<[Map<number, string>, LayeredMap<number, string>]> = [];
        for (const b of batches) {
          const changes = new Map(b);
          const next = new Map(plain);
          for (const [k, v] of changes) {
            if (v === undefined) next.delete(k);
            else next.set(k, v);
          }
          plain = next;
          layered = layered.with(changes);
          history.push([plain, layered]);
        }
        for (const [p, l] of history) {
          expect(l.size).toBe(p.size);
          expect(new Map(l.entries())).toEqual(p);
          for (let k = 0; k <= 300; k++) expect(l.get(k)).toBe(p.get(k));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('never iterates its base nor reads its size while changes pile up, however many keys they change', () => {
    const plain = new Map(Array.from({ length: 1000 }, (_, i) => [i, `v${i}`] as const));
    // A base that reads itself on demand (an artifact's chunks): iterating it would decode every chunk at once.
    const base: MapBase<number, string> = {
      get: (k) => plain.get(k),
      has: (k) => plain.has(k),
      get size(): number {
        throw new Error('the size of the base was read');
      },
      [Symbol.iterator]: () => {
        throw new Error('the base was iterated');
      },
    };
    let layered = LayeredMap.of(base);
    for (let i = 0; i < 2000; i++) layered = layered.with(new Map([[i, i % 3 ? `w${i}` : undefined]]));
    expect(layered.get(3)).toBeUndefined();
    expect(layered.get(4)).toBe('w4');
    expect(layered.get(1999)).toBe('w1999');
    expect(layered.has(0)).toBe(false);
  });
});
