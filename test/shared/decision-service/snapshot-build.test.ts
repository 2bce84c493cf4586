import { describe, expect, it } from 'vitest';
import { buildSnapshot } from '#shared/decision-service/snapshot-build.ts';
import { compileSnapshot, type Snapshot } from '#shared/policy/index.ts';
import { entitlements, source, TRUSTED } from '../policy/fixtures.ts';

const TAGS = ['A', 'A.B', 'C', 'D.E'];
const sources = Array.from({ length: 4500 }, (_, i) =>
  source(`s${String(i).padStart(5, '0')}`, [TAGS[i % 4]!], { domain: i % 7 ? undefined : 'dev', columns: [{ name: 'c', tags: i % 3 ? [] : ['PII'] }] }),
);
const policies = [
  entitlements('all', { groups: ['G'] }),
  entitlements('by-tag', { groups: ['H'] }, { circumstances: [{ type: 'tags', tag: 'A' }] }),
  entitlements('by-column', { groups: ['H'] }, { circumstances: [{ type: 'columnTags', tag: 'PII' }] }),
  entitlements('by-domain', { groups: ['H'] }, { circumstances: [{ type: 'domain', domain: 'dev' }] }),
];
const input = { sources, domains: [{ id: 'dev', name: 'dev', tags: ['D'], version: 1 }], policies, trustedIams: TRUSTED };

const observe = (snap: Snapshot) => ({
  ids: snap.sourceIds,
  policies: snap.sourceIds.map((id) => [snap.source(id)!.subscriptions.map((p) => p.policy.policyKey), snap.source(id)!.domains]),
  at: snap.sourcesAt({ platform: 'postgres', database: 'db', schema: 'public', table: 's01234' }),
});

describe('snapshot build', () => {
  it('compiles in slices to the snapshot a compile in one go gives', async () => {
    expect(observe(await buildSnapshot(input))).toEqual(observe(compileSnapshot(input)));
  });

  it('lets other work run between slices', async () => {
    let ranDuring = false;
    let done = false;
    const built = buildSnapshot(input).then(() => (done = true));
    setImmediate(() => (ranDuring = !done));
    await built;
    expect(ranDuring).toBe(true);
  });
});
