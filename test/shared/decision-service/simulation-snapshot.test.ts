import { describe, expect, it } from 'vitest';
import { SnapshotCache } from '#shared/decision-service/snapshot-cache.ts';
import type { SnapshotLoader } from '#shared/decision-service/snapshot-loader.ts';
import type { DataSource } from '#shared/model/catalog.ts';

/*
 * The snapshot a simulation starts from (`SnapshotCache.fresh`): a check that begins after the
 * call, so every change committed before it is in it, whatever the refresh interval decisions use.
 */

const source = (id: string): DataSource => ({ id, name: id, platform: 'postgres', database: 'd', schema: 's', table: id, owners: [], tags: [], columns: [], version: 1, createdAt: '', updatedAt: '' });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A store of sources added one per version; `slowVersion` delays the version read after taking it, `gap` loses the change records. */
function harness() {
  let now = 0;
  const added: string[] = [];
  const calls = { full: 0 };
  const knobs = { slowVersionMs: 0, fullMs: 0, gap: false };
  const loader: SnapshotLoader = {
    artifact: async () => undefined,
    async version() {
      const version = added.length;
      if (knobs.slowVersionMs) await pause(knobs.slowVersionMs);
      return version;
    },
    async full() {
      calls.full++;
      const at = [...added];
      if (knobs.fullMs) await pause(knobs.fullMs);
      return { sources: at.map(source), domains: [], policies: [], trustedIams: ['bim'] };
    },
    async delta(after, upTo) {
      if (knobs.gap) return undefined;
      return { sources: new Map(added.slice(after, upTo).map((id) => [id, source(id)])), domains: new Map(), policies: new Map() };
    },
  };
  // Decisions would not look at the version again for an hour.
  const cache = new SnapshotCache(loader, 3_600_000, (e) => { throw e; }, () => now);
  return { cache, calls, knobs, tick: () => (now += 1), add: (id: string) => added.push(id) };
}

const ids = (loaded: { snapshot: { sourceIds: readonly string[] } } | undefined) => loaded && [...loaded.snapshot.sourceIds];

describe('the snapshot a simulation starts from', () => {
  it('holds a change committed just before the call, where decisions still see the snapshot before it', async () => {
    const h = harness();
    h.add('a');
    await h.cache.current();
    h.add('b');
    h.tick();
    expect(ids(await h.cache.current())).toEqual(['a']);
    const fresh = await h.cache.fresh();
    expect(fresh?.version).toBe(2);
    expect(ids(fresh)).toEqual(['a', 'b']);
    expect(h.calls.full).toBe(1);
  });

  it('does not settle for a check in flight that read the version before the call', async () => {
    const h = harness();
    await h.cache.current();
    h.knobs.slowVersionMs = 30;
    h.tick();
    // A check begins (reading version 0) and, while it runs, a change commits and the simulation asks.
    const inFlight = h.cache.fresh();
    h.add('late');
    h.tick();
    const fresh = await h.cache.fresh();
    expect((await inFlight)?.version).toBe(0);
    expect(fresh?.version).toBe(1);
    expect(ids(fresh)).toEqual(['late']);
  });

  it('gives nothing while only a full rebuild can say, and the rebuilt snapshot once it is done', async () => {
    const h = harness();
    h.add('a');
    await h.cache.current();
    h.knobs.gap = true;
    h.knobs.fullMs = 30;
    h.add('b');
    h.tick();
    expect(await h.cache.fresh()).toBeUndefined();
    h.tick();
    expect(await h.cache.fresh()).toBeUndefined();
    await pause(60);
    h.knobs.gap = false;
    h.tick();
    expect(ids(await h.cache.fresh())).toEqual(['a', 'b']);
    expect(h.calls.full).toBe(2);
  });
});
