/**
 * The decision snapshot at catalog scale on DynamoDB Local: for each catalog size (sources of 20
 * columns, tags as the synthetic organisation makes them) and 1,000 policies, the seeding time,
 * the first decision of a fresh `DecisionService` and its parts (from a scan of the store, and
 * from the snapshot artifact: its build, size and incremental update), what a tag change, a new source
 * and a policy change cost a warm instance (items read, time until its decisions show it), the
 * decision latency while another process writes tag changes at 10/s, and the heap per 1,000 sources. Everything goes
 * through the public seams (`createServices`, `DecisionService`), so the figures follow the code.
 * Prints one JSON object. Run: `npm run bench:scale`; `SCALE_SIZES=1000,10000` (default
 * 1000,10000,100000), `SCALE_POLICIES` (1000) and `SCALE_CHURN_SECONDS` (10) make a shorter run.
 */
import { readConfig } from '#shared/config.ts';
import { DecisionService } from '#shared/decision-service/service.ts';
import { buildArtifact } from '#shared/decision-service/snapshot-artifact-build.ts';
import { snapshotLoader } from '#shared/decision-service/snapshot-loader.ts';
import { chunkBytes } from '#shared/policy/index.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startLocalDynamo } from '#local/dynamo.ts';
import type { UserRef } from '#shared/model/identity.ts';
import { subscriptionPolicySchema, type StoredPolicy } from '#shared/model/policy.ts';
import { createServices, type Services } from '#shared/services.ts';
import { createDb } from '#shared/store/client.ts';
import { ensureTables } from '#shared/store/create-tables.ts';
import { meter } from './dynamo-meter.ts';
import type { Call } from './scale-breakdown.ts';
import { BENCH_CONTEXT, changeCost, coldDecision, decisionsUnderChanges, heapMb, instrument, startWriter, verdictKeys, type Probe } from './scale-measure.ts';
import { auditWire } from './scale-breakdown.ts';
import { BENCH_AUDIT, inputOf, retag, seedPolicies, seedSources, seedUser } from './scale-seed.ts';
import { prng, syntheticOrg } from './synthetic-org.ts';

/** The positive integers a variable lists (comma-separated), or `fallback` when it is unset; anything else stops the run. */
function positives(name: string, fallback: string): number[] {
  const value = process.env[name] || fallback;
  return value.split(',').map((part) => {
    const n = Number(part.trim());
    if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must list positive integers, not \`${value}\``);
    return n;
  });
}

const SIZES = [...new Set(positives('SCALE_SIZES', '1000,10000,100000'))].sort((a, b) => a - b);
// Two sources at least: one changes its tags, its neighbour gains a policy.
if (SIZES[0]! < 2) throw new Error(`SCALE_SIZES must be at least 2, not \`${SIZES[0]}\``);
const [POLICIES] = positives('SCALE_POLICIES', '1000') as [number];
const [CHURN_SECONDS] = positives('SCALE_CHURN_SECONDS', '10') as [number];
const COLUMNS = 20;
const CHANGES_PER_SECOND = 10;
/** Users are cached for the whole run, so that what a warm instance reads per change is the snapshot's alone. */
const USER_CACHE_MS = 3_600_000;
const TARGETS = { sources: 100_000, coldFirstDecisionMs: 1000, tagChangeItemsReadPerWarmInstance: 10, maxDecisionMsWhileChanging: 50 };

/** The tag a policy targets (the synthetic policies each target one). */
function targetTag(policy: StoredPolicy): string | undefined {
  const doc = policy.document;
  const first = doc.type === 'subscription' ? doc.circumstances[0] : undefined;
  return first?.type === 'tags' ? first.tag : undefined;
}

// `DYNAMODB_ENDPOINT` (the test suite's) reuses a running DynamoDB Local, on tables of this run's own.
const running = process.env.DYNAMODB_ENDPOINT;
const dynamo = running ? { endpoint: running, stop: async () => {} } : await startLocalDynamo();
const tablePrefix = `scale_${Date.now().toString(36)}_`;
const config = readConfig({ LOG_LEVEL: 'silent' });
const open = () => createDb({ endpoint: dynamo.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, tablePrefix });
const servicesOn = (db: ReturnType<typeof open>): Services => createServices(db, config, { bootstrapKeyHash: async () => undefined });
try {
  const writerDb = open();
  await ensureTables(writerDb);
  const writer = servicesOn(writerDb);
  const org = syntheticOrg({ users: 1, groups: 200, sources: SIZES.at(-1)!, policies: POLICIES, columns: COLUMNS });
  const subject = { ...org.subjects[0]!, iamid: config.defaultIam };
  const user: UserRef = { iamid: subject.iamid, userid: subject.userid };
  await seedUser(writer, subject);
  const policiesStarted = performance.now();
  await seedPolicies(writer, org.policies);
  const policySeedingMs = Math.round(performance.now() - policiesStarted);

  /**
   * The first decision of an instance that scans the store, and the heap it holds. In a function
   * of its own, as each cold instance below, so that its snapshot is garbage once measured: the
   * warm instance's decisions must not pay for collecting a heap no real instance holds.
   */
  async function coldFromScan(size: number) {
    const heapBefore = heapMb();
    const coldDb = open();
    const coldMeter = meter(coldDb);
    const calls: Call[] = [];
    // Without the artifact: the whole store scanned, as on a fresh install.
    const cold = new DecisionService({ ...instrument(servicesOn(coldDb), calls), snapshotArtifacts: undefined }, { userCacheMs: USER_CACHE_MS });
    const coldFirstDecision = await coldDecision(cold, calls, coldMeter, user, org.sources[0]!.id);
    const heapPer1000SourcesMb = Math.round(((heapMb() - heapBefore) / (size / 1000)) * 100) / 100;
    coldDb.doc.destroy();
    return { coldFirstDecision, heapPer1000SourcesMb };
  }

  /** The artifact's full build and size, and the first decision of an instance that reads it. */
  async function artifactFigures(size: number) {
    const buildStarted = performance.now();
    const built = await buildArtifact({ loader: snapshotLoader(writer), artifacts: writer.snapshotArtifacts, log: writer.log }, { full: true });
    const manifest = (await writer.snapshotArtifacts.manifest())!;
    const buildMs = Math.round(performance.now() - buildStarted);
    const chunks = await writer.snapshotArtifacts.chunks(manifest);
    const compressedMb = Math.round(([...chunks.values()].reduce((n, c) => n + (c ? chunkBytes(c) : 0), 0) / 2 ** 20) * 100) / 100;
    const artifactDb = open();
    const artifactMeter = meter(artifactDb);
    const artifactCalls: Call[] = [];
    const fromArtifact = new DecisionService(instrument(servicesOn(artifactDb), artifactCalls), { userCacheMs: USER_CACHE_MS });
    const coldFirstDecision = await coldDecision(fromArtifact, artifactCalls, artifactMeter, user, org.sources[size - 1]!.id);
    artifactDb.doc.destroy();
    return { buildMs, chunks: manifest.chunks.length, chunksWritten: built.written, compressedMb, coldFirstDecision };
  }

  /** Every figure of one catalog size, its sources already stored. */
  async function measure(size: number) {
    const sources = org.sources.slice(0, size);
    const { coldFirstDecision, heapPer1000SourcesMb } = await coldFromScan(size);
    const artifact = await artifactFigures(size);

    const warmDb = open();
    const warmMeter = meter(warmDb);
    const probe: Probe = { calls: [], wire: auditWire(warmDb) };
    const warm = new DecisionService(instrument(servicesOn(warmDb), probe.calls), { userCacheMs: USER_CACHE_MS });
    await warm.decide(BENCH_CONTEXT, user, sources[0]!.id, 'postgres');
    const timeoutMs = Math.max(60_000, 20 * coldFirstDecision.totalMs);
    const shows = (sourceId: string, policyKey: string) => async () => (await verdictKeys(warm, user, sourceId))?.includes(policyKey) ?? false;
    /** A policy that does not apply to `sourceId` now, and the tag it targets. */
    const notOn = async (sourceId: string, except?: string) => {
      const applying = (await verdictKeys(warm, user, sourceId)) ?? [];
      const policy = org.policies.find((p) => p.document.policyKey !== except && !applying.includes(p.document.policyKey) && targetTag(p));
      if (!policy) throw new Error(`every policy applies to \`${sourceId}\`: the benchmark needs one that does not`);
      return { key: policy.document.policyKey, tag: targetTag(policy)!, policy };
    };

    const x = sources[size >> 1]!;
    const gained = await notOn(x.id);
    const tagChange = await changeCost(warmMeter, () => retag(writer, x.id, [gained.tag]), shows(x.id, gained.key), timeoutMs);
    const newId = `bench-new-${size}`;
    const newSource = await changeCost(
      warmMeter,
      () => writer.catalog.putSource(newId, { ...inputOf(x), name: newId, table: newId, tags: [gained.tag] }, undefined, BENCH_AUDIT),
      async () => (await verdictKeys(warm, user, newId)) !== undefined,
      timeoutMs,
    );
    const y = (await writer.catalog.getSource(sources[(size >> 1) - 1]!.id))!;
    const retargeted = await notOn(y.id, gained.key);
    const doc = subscriptionPolicySchema.parse({ ...retargeted.policy.document, circumstances: [{ type: 'tags', tag: y.tags[0] }] });
    const policyChange = await changeCost(warmMeter, () => writer.policies.put(doc, () => BENCH_AUDIT), shows(y.id, retargeted.key), timeoutMs);
    await writer.catalog.deleteSource(newId, BENCH_AUDIT);
    const updateStarted = performance.now();
    const updated = await buildArtifact({ loader: snapshotLoader(writer), artifacts: writer.snapshotArtifacts, log: writer.log });
    const artifactUpdate = { ms: Math.round(performance.now() - updateStarted), chunksWritten: updated.written, full: updated.full };

    const rand = prng(size);
    const changer = startWriter({ endpoint: dynamo.endpoint, tablePrefix, sources: size, perSecond: CHANGES_PER_SECOND, seconds: CHURN_SECONDS });
    const whileChanging = await decisionsUnderChanges(warm, user, () => sources[Math.floor(rand() * size)]!.id, changer, probe);
    warmDb.doc.destroy();
    return {
      coldFirstDecision,
      artifact: { ...artifact, afterFourChanges: artifactUpdate },
      changes: { tagChange, newSource, policyChange },
      whileChanging,
      heapPer1000SourcesMb,
      meetsTargets: {
        coldFirstDecision: artifact.coldFirstDecision.totalMs <= TARGETS.coldFirstDecisionMs,
        tagChangeReflectedWithinRefresh: tagChange.reflectedMs !== null && tagChange.reflectedMs <= config.snapshotRefreshMs,
        tagChangeItemsRead: tagChange.reads.items <= TARGETS.tagChangeItemsReadPerWarmInstance,
        noDecisionSlowerWhileChanging: whileChanging.maxMs <= TARGETS.maxDecisionMsWhileChanging,
      },
    };
  }

  const sizes = [];
  let stored = 0;
  for (const size of SIZES) {
    const started = performance.now();
    await seedSources(writer, org.sources.slice(stored, size));
    const seedingMs = performance.now() - started;
    const seeded = { ms: Math.round(seedingMs), sourcesPerSec: Math.round((size - stored) / (seedingMs / 1000)) };
    stored = size;
    sizes.push({ sources: size, seeding: seeded, ...(await measure(size)) });
  }
  const sample = org.sources.slice(0, 100);
  const result = {
    bench: 'scale',
    store: 'DynamoDB Local',
    policies: POLICIES,
    columnsPerSource: COLUMNS,
    sourceJsonBytes: Math.round(sample.reduce((n, s) => n + JSON.stringify(s).length, 0) / sample.length),
    refreshMs: config.snapshotRefreshMs,
    changesPerSec: CHANGES_PER_SECOND,
    churnSeconds: CHURN_SECONDS,
    policySeedingMs,
    targets: { ...TARGETS, tagChangeReflectedWithinMs: config.snapshotRefreshMs },
    sizes,
    node: process.version,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  writerDb.doc.destroy();
} finally {
  await dynamo.stop();
}
