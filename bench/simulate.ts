/**
 * Simulation of a policy change over the benchmark organisation (5,000 users × 2,000 sources,
 * 1,000 policies): a new Always Required guard on one area of the tag tree, and the worst case,
 * one on every source, so that no source can be skipped. Prints one JSON object. Run: `npx tsx bench/simulate.ts`.
 */
import { subscriptionPolicySchema, type StoredPolicy } from '#shared/model/policy.ts';
import { simulate } from '#shared/policy/simulate.ts';
import { compileSnapshot } from '#shared/policy/snapshot.ts';
import { syntheticOrg } from './synthetic-org.ts';

const SIZE = { users: 5_000, groups: 2_000, sources: 2_000, policies: 1_000 };

const org = syntheticOrg(SIZE);
const before = compileSnapshot({ sources: org.sources, domains: [], policies: org.policies, trustedIams: ['bim'] });

/** A new Always Required guard (`Country` US) on the sources carrying any of `tags`. */
function guardOn(tags: readonly string[]): StoredPolicy {
  return {
    document: subscriptionPolicySchema.parse({
      policyKey: 'bench-guard',
      type: 'subscription',
      actions: { type: 'entitlements', merge: 'alwaysRequired', entitlements: { attributes: [{ name: 'Country', value: 'US' }] } },
      circumstances: tags.map((tag) => ({ type: 'tags', tag })),
    }),
    version: 1,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
  };
}

/** Median and minimum of `runs` simulations of adding `policy`, with the last run's summary. */
function measure(policy: StoredPolicy, runs: number) {
  const after = compileSnapshot({ sources: org.sources, domains: [], policies: [...org.policies, policy], trustedIams: ['bim'] }, before);
  const times: number[] = [];
  let summary: ReturnType<typeof simulate>['summary'] | undefined;
  for (let run = 0; run < runs; run++) {
    const started = process.hrtime.bigint();
    summary = simulate(before, after, org.subjects).summary;
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { runs, medianMs: Number(times[runs >> 1]!.toFixed(1)), minMs: Number(times[0]!.toFixed(1)), summary };
}

// One area of the tag tree (about 1/80 of the sources), then every root: no source skipped.
const oneArea = measure(guardOn([org.tags.find((tag) => tag.split('.').length === 2)!]), 3);
const everySource = measure(guardOn(org.tags.filter((tag) => !tag.includes('.'))), 1);
process.stdout.write(`${JSON.stringify({ ...SIZE, pairs: SIZE.users * SIZE.sources, oneArea, everySource })}\n`);
