/**
 * Decision latency of the compiled snapshot against Cedar-wasm on the same organisation: the
 * explained decision, the yes/no `grants()`, and Cedar given the whole policy set or only each
 * source's applicable policies. Prints one JSON object. Run: `npx tsx bench/decisions.ts`.
 */
import { loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { preparsePolicySet, statefulIsAuthorized } from '@cedar-policy/cedar-wasm/nodejs';
import type { Subject } from '#shared/model/identity.ts';
import { decideSubscription, grants } from '#shared/policy/subscription-decision.ts';
import { compileSnapshot } from '#shared/policy/snapshot.ts';
import { cedarPolicies, cedarRequest, cedarSource, cedarUser } from './cedar-translate.ts';
import { prng, syntheticOrg } from './synthetic-org.ts';

setFlagsFromString('--expose-gc');
// Node 20's V8 (11.3) inlines JS-to-Wasm calls into optimised JavaScript; a lazy deoptimisation
// of `cedarRun` on its return from Cedar's wasm then must rebuild a JS-to-Wasm builtin
// continuation frame, and aborted the process (`unreachable code` in
// `Deoptimizer::DoComputeBuiltinContinuation`) in about one run in two. Calls into Cedar stay calls.
setFlagsFromString('--no-turbo-inline-js-wasm-calls');
const gc = runInNewContext('gc') as () => void;

const SIZE = { users: 50_000, groups: 2_000, sources: 20_000, policies: 1_000 };
const PAIRS = 100_000;
const CEDAR_BUDGET_MS = 30_000;
const PER_SOURCE_PAIRS = 2_000;

const heapMB = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

function stats(samples: Float64Array, n: number) {
  const sorted = samples.slice(0, n).sort();
  const at = (q: number): number => Number(sorted[Math.min(n - 1, Math.floor(q * n))]!.toFixed(2));
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i]!;
  return { decisions: n, p50Us: at(0.5), p99Us: at(0.99), meanUs: Number((sum / n).toFixed(2)) };
}

const org = syntheticOrg(SIZE);
const heapBefore = heapMB();
const compileStart = process.hrtime.bigint();
const snapshot = compileSnapshot({ sources: org.sources, domains: [], policies: org.policies, trustedIams: ['bim'] });
const compileMs = Number(process.hrtime.bigint() - compileStart) / 1e6;
const heapDelta = heapMB() - heapBefore;
let applicable = 0;
for (const id of snapshot.sourceIds) applicable += snapshot.source(id)!.subscriptions.length;

const rand = prng(7);
const pairs = Array.from({ length: PAIRS }, () => [Math.floor(rand() * SIZE.users), Math.floor(rand() * SIZE.sources)] as const);

/** Times `run` on every pair (on other pairs first, to warm the JIT); `run` says whether access is granted. */
function timed(run: (subject: Subject, id: string) => boolean) {
  for (let i = 0; i < 20_000; i++) run(org.subjects[i % SIZE.users]!, `src${(i * 7919) % SIZE.sources}`);
  const samples = new Float64Array(PAIRS);
  const access: boolean[] = [];
  for (let i = 0; i < PAIRS; i++) {
    const [u, s] = pairs[i]!;
    const subject = org.subjects[u]!;
    const id = `src${s}`;
    const t0 = process.hrtime.bigint();
    const ok = run(subject, id);
    samples[i] = Number(process.hrtime.bigint() - t0) / 1e3;
    access.push(ok);
  }
  return { stats: stats(samples, PAIRS), access };
}

// What the harness alone costs per sample (two clock reads, a subtraction, a conversion): small
// beside a microsecond, so each decision is timed alone rather than in batches whose mean would
// hide the spread between a warm and a cold (user, source) pair.
const { stats: harness } = timed(() => false);

// Explanations are built when read: the first figure is what a caller that reads `access` pays,
// the second what the API pays, serialising every verdict and the reason.
const { access: wardenAccess, stats: explained } = timed((subject, id) => decideSubscription(snapshot, subject, id)!.access === 'granted');
let explanationChars = 0;
const { stats: explainedAndRead } = timed((subject, id) => {
  const d = decideSubscription(snapshot, subject, id)!;
  for (const v of d.subscription) explanationChars += v.explanation.length;
  explanationChars += d.reason?.length ?? 0;
  return d.access === 'granted';
});
const { access: grantsAccess, stats: yesNo } = timed((subject, id) => grants(snapshot.source(id)!, subject));
const granted = wardenAccess.filter(Boolean).length;
const grantsMismatches = grantsAccess.filter((ok, i) => ok !== wardenAccess[i]).length;

// Cedar: the equivalent policy set, parsed once; whether a Share Responsibility policy targets
// a source is precomputed into the resource (Cedar cannot ask whether another policy applies).
const shared = new Map(snapshot.sourceIds.map((id) => [id, snapshot.source(id)!.subscriptions.some((p) => p.merge === 'shareResponsibility')]));
const preparseStart = process.hrtime.bigint();
const parsed = preparsePolicySet('bench', { staticPolicies: cedarPolicies(org.policies, { sharedAttribute: true }) });
const preparseMs = Number(process.hrtime.bigint() - preparseStart) / 1e6;
if (parsed.type !== 'success') throw new Error(JSON.stringify(parsed.errors));

/**
 * Cedar on the pairs, in order, for a time budget (up to `maxPairs`); `policySet` names the
 * pre-parsed set a source is decided with, parsing it first if need be (outside the budget).
 */
function cedarRun(policySet: (sourceId: string) => string, maxPairs = PAIRS) {
  const samples = new Float64Array(PAIRS);
  let count = 0;
  let mismatches = 0;
  let setupMs = 0;
  const start = Date.now();
  for (let i = 0; i < maxPairs && Date.now() - start - setupMs < CEDAR_BUDGET_MS; i++) {
    const [u, s] = pairs[i]!;
    const subject = org.subjects[u]!;
    const source = org.sources[s]!;
    const setup = Date.now();
    const call = { ...cedarRequest(subject, source.id), preparsedPolicySetId: policySet(source.id), entities: [cedarUser(subject), ...cedarSource(source, shared.get(source.id))] };
    setupMs += Date.now() - setup;
    const t0 = process.hrtime.bigint();
    const answer = statefulIsAuthorized(call);
    samples[i] = Number(process.hrtime.bigint() - t0) / 1e3;
    if (answer.type !== 'success') throw new Error(JSON.stringify(answer.errors));
    if ((answer.response.decision === 'allow') !== wardenAccess[i]) mismatches++;
    count++;
  }
  return { ...stats(samples, count), mismatches };
}

const { mismatches: cedarMismatches, ...cedar } = cedarRun(() => 'bench');

// Cedar given only the source's applicable policies: each source's set is parsed on first use
// (tens of milliseconds each), so fewer pairs are decided this way.
const perSourceSets = new Set<string>();
let perSourcePreparseMs = 0;
const { mismatches: perSourceMismatches, ...cedarPerSource } = cedarRun((id) => {
  if (perSourceSets.has(id)) return id;
  const t0 = process.hrtime.bigint();
  const set = preparsePolicySet(id, { staticPolicies: cedarPolicies(snapshot.source(id)!.subscriptions.map((p) => p.stored), { sharedAttribute: true }) });
  perSourcePreparseMs += Number(process.hrtime.bigint() - t0) / 1e6;
  if (set.type !== 'success') throw new Error(JSON.stringify(set.errors));
  perSourceSets.add(id);
  return id;
}, PER_SOURCE_PAIRS);

const times = (a: number, b: number): number => Number((a / b).toFixed(1));

process.stdout.write(
  `${JSON.stringify({
    benchmark: 'decisions',
    node: process.version,
    loadAverage1m: Number(loadavg()[0]!.toFixed(1)),
    org: { ...SIZE, tags: org.tags.length },
    snapshot: { compileMs: Number(compileMs.toFixed(1)), heapDeltaMB: Number(heapDelta.toFixed(1)), avgPoliciesPerSource: Number((applicable / SIZE.sources).toFixed(2)) },
    warden: {
      harness: { ...harness, timing: 'timed() around a function that returns at once: what every figure below includes' },
      explained: { ...explained, grantedShare: Number((granted / PAIRS).toFixed(3)), timing: 'decideSubscription, verdicts and reason left unread' },
      explainedAndRead: { ...explainedAndRead, explanationChars, timing: 'decideSubscription, then every verdict explanation and the reason read' },
      grants: { ...yesNo, mismatchesWithExplained: grantsMismatches, timing: 'grants(snapshot.source(id), subject)' },
    },
    cedar: {
      wholeSet: { ...cedar, preparseMs: Number(preparseMs.toFixed(1)), timing: 'statefulIsAuthorized only; policy set pre-parsed, request entities (user, source, tag lineage) passed per call' },
      perSource: { ...cedarPerSource, sourcesParsed: perSourceSets.size, preparseMs: Number(perSourcePreparseMs.toFixed(1)), timing: 'as wholeSet, each source given a pre-parsed set of its applicable policies only' },
    },
    ratio: {
      cedarOverExplainedP50: times(cedar.p50Us, explained.p50Us),
      cedarOverGrantsP50: times(cedar.p50Us, yesNo.p50Us),
      cedarPerSourceOverExplainedP50: times(cedarPerSource.p50Us, explained.p50Us),
      cedarPerSourceOverGrantsP50: times(cedarPerSource.p50Us, yesNo.p50Us),
      explainedAndReadOverExplainedP50: times(explainedAndRead.p50Us, explained.p50Us),
    },
    agreement: { cedarPairs: cedar.decisions, cedarMismatches, cedarPerSourcePairs: cedarPerSource.decisions, cedarPerSourceMismatches: perSourceMismatches, grantsMismatches },
    targets: { harnessP50UnderTenthOfGrantsP50: harness.p50Us * 10 < yesNo.p50Us, explainedP50AtMost3Us: explained.p50Us <= 3, grantsP50AtMost1Us: yesNo.p50Us <= 1, atLeast2xFasterThanCedarPerSource: cedarPerSource.p50Us >= 2 * explained.p50Us },
  })}\n`,
);
