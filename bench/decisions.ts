/**
 * Decision latency of the compiled snapshot against Cedar-wasm on the same organisation.
 * Prints one JSON object. Run: `npx tsx bench/decisions.ts`.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { preparsePolicySet, statefulIsAuthorized } from '@cedar-policy/cedar-wasm/nodejs';
import { decideSubscription } from '#shared/policy/subscription-decision.ts';
import { compileSnapshot } from '#shared/policy/snapshot.ts';
import { cedarPolicies, cedarRequest, cedarSource, cedarUser } from './cedar-translate.ts';
import { prng, syntheticOrg } from './synthetic-org.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const SIZE = { users: 50_000, groups: 2_000, sources: 20_000, policies: 1_000 };
const PAIRS = 100_000;
const CEDAR_BUDGET_MS = 45_000;

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

// Warm up the JIT on other pairs, then time each decision.
for (let i = 0; i < 20_000; i++) decideSubscription(snapshot, org.subjects[i % SIZE.users]!, `src${(i * 7919) % SIZE.sources}`);
const wardenSamples = new Float64Array(PAIRS);
const wardenAccess: boolean[] = [];
let granted = 0;
for (let i = 0; i < PAIRS; i++) {
  const [u, s] = pairs[i]!;
  const subject = org.subjects[u]!;
  const id = `src${s}`;
  const t0 = process.hrtime.bigint();
  const d = decideSubscription(snapshot, subject, id);
  wardenSamples[i] = Number(process.hrtime.bigint() - t0) / 1e3;
  const ok = d?.access === 'granted';
  wardenAccess.push(ok);
  if (ok) granted++;
}
const warden = stats(wardenSamples, PAIRS);

// Cedar: the equivalent policy set, parsed once; whether a Share Responsibility policy targets
// a source is precomputed into the resource (Cedar cannot ask whether another policy applies).
const shared = new Map(snapshot.sourceIds.map((id) => [id, snapshot.source(id)!.subscriptions.some((p) => p.merge === 'shareResponsibility')]));
const preparseStart = process.hrtime.bigint();
const parsed = preparsePolicySet('bench', { staticPolicies: cedarPolicies(org.policies, { sharedAttribute: true }) });
const preparseMs = Number(process.hrtime.bigint() - preparseStart) / 1e6;
if (parsed.type !== 'success') throw new Error(JSON.stringify(parsed.errors));

const cedarSamples = new Float64Array(PAIRS);
let cedarCount = 0;
let mismatches = 0;
const cedarStart = Date.now();
for (let i = 0; i < PAIRS && Date.now() - cedarStart < CEDAR_BUDGET_MS; i++) {
  const [u, s] = pairs[i]!;
  const subject = org.subjects[u]!;
  const source = org.sources[s]!;
  const call = { ...cedarRequest(subject, source.id), preparsedPolicySetId: 'bench', entities: [cedarUser(subject), ...cedarSource(source, shared.get(source.id))] };
  const t0 = process.hrtime.bigint();
  const answer = statefulIsAuthorized(call);
  cedarSamples[i] = Number(process.hrtime.bigint() - t0) / 1e3;
  if (answer.type !== 'success') throw new Error(JSON.stringify(answer.errors));
  if ((answer.response.decision === 'allow') !== wardenAccess[i]) mismatches++;
  cedarCount++;
}
const cedar = stats(cedarSamples, cedarCount);

process.stdout.write(
  `${JSON.stringify({
    benchmark: 'decisions',
    node: process.version,
    org: { ...SIZE, tags: org.tags.length },
    snapshot: { compileMs: Number(compileMs.toFixed(1)), heapDeltaMB: Number(heapDelta.toFixed(1)), avgPoliciesPerSource: Number((applicable / SIZE.sources).toFixed(2)) },
    warden: { ...warden, grantedShare: Number((granted / PAIRS).toFixed(3)) },
    cedar: { ...cedar, preparseMs: Number(preparseMs.toFixed(1)), timing: 'statefulIsAuthorized only; policy set pre-parsed, request entities (user, source, tag lineage) passed per call' },
    ratio: { wardenOverCedarP50: Number((warden.p50Us / cedar.p50Us).toFixed(4)), cedarOverWardenP50: Number((cedar.p50Us / warden.p50Us).toFixed(1)) },
    agreement: { pairs: cedarCount, mismatches },
    targets: { wardenP50AtMost20Us: warden.p50Us <= 20, atLeast2xFasterThanCedar: cedar.p50Us >= 2 * warden.p50Us },
  })}\n`,
);
