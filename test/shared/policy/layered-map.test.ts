import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LayeredMap } from '#shared/policy/layered-map.ts';

describe('layered map', () => {
  it('answers as a plain map after any changes, through layers and merges, leaving earlier maps as they were (property)', () => {
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
});
