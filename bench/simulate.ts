/**
 * Simulation of a policy change over a synthetic organisation (default 50,000 users × 20,000
 * sources, 1,000 policies; SIM_USERS, SIM_SOURCES to change): a new Always Required guard on
 * a few sets of the tag tree (about 1% of the sources). The snapshot after the change is built
 * two ways: derived from the one before (what `runSimulation` does), and compiled in full (what
 * it did before), each followed by the same comparison. Prints one JSON object.
 * Run: `npx tsx bench/simulate.ts`.
 */
import { simulate, sourcesToCompare } from '#shared/policy/simulate.ts';
import { deriveSnapshot } from '#shared/policy/snapshot-delta.ts';
import { compileSnapshot, type Snapshot } from '#shared/policy/snapshot.ts';
import { GUARD_SETS, guardOn, guardTags } from './simulate-guard.ts';
import { syntheticOrg } from './synthetic-org.ts';

const SIZE = { users: Number(process.env.SIM_USERS ?? 50_000), groups: 2_000, sources: Number(process.env.SIM_SOURCES ?? 20_000), policies: 1_000 };
const org = syntheticOrg(SIZE);
const input = { sources: org.sources, domains: [], trustedIams: ['bim'] };

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

const guard = guardOn(guardTags(org.tags));
const derived = run((before) => deriveSnapshot(before, { policies: new Map([['bench-guard', guard]]), sources: new Map(), domains: new Map() }));
const compiled = run((before) => compileSnapshot({ ...input, policies: [...org.policies, guard] }, before));
process.stdout.write(
  `${JSON.stringify({
    ...SIZE,
    change: `an Always Required guard on ${GUARD_SETS} tag sets`,
    sourcesTouched: derived.sourcesCompared,
    sourcesTouchedShare: Number((derived.sourcesCompared / SIZE.sources).toFixed(4)),
    pairsCompared: derived.sourcesCompared * SIZE.users,
    derived,
    compiledInFull: compiled,
  })}\n`,
);
