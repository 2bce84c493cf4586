import { describe, expect, it } from 'vitest';
import { SnapshotCache } from '#shared/decision-service/snapshot-cache.ts';
import type { SnapshotInput } from '#shared/policy/index.ts';

const source = (id: string) => ({ id, name: id, platform: 'postgres' as const, database: 'd', schema: 's', table: id, owners: [], tags: [], columns: [], version: 1, createdAt: '', updatedAt: '' });

function harness(refreshMs: number) {
  let now = 0;
  let version = 1;
  let sources = ['a'];
  const calls = { version: 0, load: 0 };
  const cache = new SnapshotCache(
    async () => {
      calls.version++;
      return version;
    },
    async (): Promise<SnapshotInput> => {
      calls.load++;
      return { sources: sources.map(source), domains: [], policies: [], trustedIams: ['bim'] };
    },
    refreshMs,
    () => now,
  );
  return {
    cache,
    calls,
    advance: (ms: number) => (now += ms),
    change: (ids: string[]) => {
      sources = ids;
      version++;
    },
  };
}

describe('snapshot cache', () => {
  it('checks the version at most once per interval and shares one in-flight check', async () => {
    const h = harness(1000);
    await Promise.all([h.cache.current(), h.cache.current(), h.cache.current()]);
    expect(h.calls).toEqual({ version: 1, load: 1 });
    h.advance(999);
    await h.cache.current();
    expect(h.calls.version).toBe(1);
    h.advance(1);
    await h.cache.current();
    expect(h.calls).toEqual({ version: 2, load: 1 });
  });

  it('recompiles only when the version moved, and shows the change after the interval', async () => {
    const h = harness(1000);
    expect((await h.cache.current()).snapshot.sourceIds).toEqual(['a']);
    h.change(['a', 'b']);
    h.advance(500);
    expect((await h.cache.current()).snapshot.sourceIds).toEqual(['a']);
    h.advance(500);
    expect((await h.cache.current()).snapshot.sourceIds).toEqual(['a', 'b']);
    expect(h.calls.load).toBe(2);
  });

  it('retries after a failed check instead of caching the failure', async () => {
    let fail = true;
    const cache = new SnapshotCache(
      async () => {
        if (fail) throw new Error('dynamodb down');
        return 1;
      },
      async () => ({ sources: [], domains: [], policies: [], trustedIams: ['bim'] }),
      1000,
    );
    await expect(cache.current()).rejects.toThrow('dynamodb down');
    fail = false;
    expect((await cache.current()).version).toBe(1);
  });
});
