/**
 * Simulation of a policy change over a synthetic organisation (default 50,000 users × 20,000
 * sources, 1,000 policies; SIM_USERS, SIM_SOURCES to change): a new Always Required guard on
 * a few sets of the tag tree (about 1% of the sources). The snapshot after the change is built
 * two ways: derived from the one before (what `runSimulation` does), and compiled in full (what
 * it did before), each followed by the same comparison. Prints one JSON object.
 * Run: `npx tsx bench/simulate.ts`.
 */
import { subscriptionPolicySchema, type StoredPolicy } from '#shared/model/policy.ts';
import { simulate, sourcesToCompare } from '#shared/policy/simulate.ts';
import { deriveSnapshot } from '#shared/policy/snapshot-delta.ts';
import { compileSnapshot, type Snapshot } from '#shared/policy/snapshot.ts';
import { syntheticOrg } from './synthetic-org.ts';

const SIZE = { users: Number(process.env.SIM_USERS ?? 50_000), groups: 2_000, sources: Number(process.env.SIM_SOURCES ?? 20_000), policies: 1_000 };
/** Sets of the tag tree the guard targets: each holds about 0.3% of the sources. */
const SETS = 3;

const org = syntheticOrg(SIZE);
const input = { sources: org.sources, domains: [], trustedIams: ['bim'] };

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

const ms = (since: bigint): number => Number((Number(process.hrtime.bigint() - since) / 1e6).toFixed(1));

/** One simulation of the change, with the snapshot after it made by `after`. */
function run(after: (before: Snapshot) => Snapshot) {
  let t = process.hrtime.bigint();
  const before = compileSnapshot({ ...input, policies: org.policies });
  const compileBeforeMs = ms(t);
  t = process.hrtime.bigint();
  const next = after(before);
  const afterMs = ms(t);
  t = process.hrtime.bigint();
  const sources = sourcesToCompare(before, next).length;
  const result = simulate(before, next, org.subjects);
  const simulateMs = ms(t);
  return { compileBeforeMs, afterMs, simulateMs, totalMs: Number((compileBeforeMs + afterMs + simulateMs).toFixed(1)), sourcesCompared: sources, summary: result.summary };
}

const guard = guardOn(org.tags.filter((tag) => tag.split('.').length === 3).slice(0, SETS));
const derived = run((before) => deriveSnapshot(before, { policies: new Map([['bench-guard', guard]]), sources: new Map(), domains: new Map() }));
const compiled = run((before) => compileSnapshot({ ...input, policies: [...org.policies, guard] }, before));
process.stdout.write(
  `${JSON.stringify({
    ...SIZE,
    change: `an Always Required guard on ${SETS} tag sets`,
    sourcesTouched: derived.sourcesCompared,
    sourcesTouchedShare: Number((derived.sourcesCompared / SIZE.sources).toFixed(4)),
    pairsCompared: derived.sourcesCompared * SIZE.users,
    derived,
    compiledInFull: compiled,
  })}\n`,
);
