/**
 * `POST /v1/simulations` over HTTP on the local server (DynamoDB Local) at the benchmark
 * organisation (default 50,000 users × 20,000 sources, 1,000 policies; SIM_USERS, SIM_SOURCES
 * to change): the Always Required guard of `bench/simulate.ts`, answered twice (the first
 * simulation of a function whose snapshot is warm from one decision, then again), timed end to
 * end with the size of the answer; then its parts, each measured alone in the same process:
 * the identity read (every user, group and attribute), the "before" snapshot (the decision
 * snapshot brought to the current version, and the scan and compile it replaces), the snapshot
 * after the change, and the comparison. Identities, sources and groups are seeded with batch
 * writes as the repositories store them. Prints one JSON object.
 * Run: `npm run bench:simulate-http` (`BENCH_DATA_DIR` keeps DynamoDB Local's data between runs).
 */
import { request } from 'node:http';
import { startLocal } from '#local/bootstrap.ts';
import { buildArtifact } from '#shared/decision-service/snapshot-artifact-build.ts';
import { snapshotLoader } from '#shared/decision-service/snapshot-loader.ts';
import type { Subject } from '#shared/model/identity.ts';
import { compileSnapshot, deriveSnapshot, simulate } from '#shared/policy/index.ts';
import { attributeItems } from '#shared/store/attributes.ts';
import { batchWrite, type WriteRequest } from '#shared/store/batch.ts';
import { trustedIams } from '#shared/store/iam-trust.ts';
import { identityKeys } from '#shared/store/key-formats.ts';
import { membershipItem } from '#shared/store/memberships.ts';
import { scanAllViews } from '#shared/store/subjects.ts';
import { createIndexItems } from '#shared/store/user-index.ts';
import { newUserRecord, userProfileItem } from '#shared/store/user-record.ts';
import { seedPolicies, seedSources } from './scale-seed.ts';
import { guardOn, guardTags } from './simulate-guard.ts';
import { syntheticOrg } from './synthetic-org.ts';

const SIZE = { users: Number(process.env.SIM_USERS ?? 50_000), groups: 2_000, sources: Number(process.env.SIM_SOURCES ?? 20_000), policies: 1_000 };
const IAM = 'bim';

const dataDir = process.env.BENCH_DATA_DIR;
const warden = await startLocal({ port: 0, seed: false, logLevel: 'silent', ...(dataDir ? { dataDir } : {}) });
const { db, groups, users } = warden.services;
const decisions = warden.services.decisions;
const org = syntheticOrg(SIZE);
const seconds = (ms: number) => Number((ms / 1000).toFixed(2));
const timed = async <T>(task: () => Promise<T> | T): Promise<{ ms: number; value: T }> => {
  const started = performance.now();
  const value = await task();
  return { ms: Math.round(performance.now() - started), value };
};

/** Runs `task(i)` for i in [0, n) with `width` in flight. */
async function pool(n: number, width: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < n) await task(next++);
  }));
}

/** The groups through the repository (ids by name), then every user's items, 25 a batch, 16 batches in flight. */
async function seedIdentities(subjects: readonly Subject[]): Promise<void> {
  const ids = new Map<string, string>();
  const names = [...new Set(subjects.flatMap((s) => [...s.groups]))];
  await pool(names.length, 16, async (i) => ids.set(names[i]!, (await groups.create({ iamid: IAM, displayName: names[i]! })).id));
  const table = db.tables.identities;
  const puts: WriteRequest[] = [];
  for (const s of subjects) {
    const record = newUserRecord({ iamid: IAM, userid: s.userid, displayName: s.userid, active: s.active });
    const values = Object.fromEntries([...s.attributes].map(([k, v]) => [k, [...v]]));
    const items = [
      userProfileItem(record),
      ...[...createIndexItems(table, record), ...attributeItems(table, identityKeys.user(IAM, s.userid), 'manual', values)].flatMap((t) => (t.Put?.Item ? [t.Put.Item] : [])),
      ...[...s.groups].map((g) => membershipItem(IAM, ids.get(g)!, s.userid, 'manual')),
    ];
    for (const Item of items) puts.push({ PutRequest: { Item } });
  }
  await pool(Math.ceil(puts.length / 25), 16, async (b) => {
    const left = await batchWrite(db, table, puts.slice(b * 25, (b + 1) * 25));
    if (left.length) throw new Error('dynamodb local left seed items unwritten');
  });
}

/**
 * POSTs `body` and reads the whole answer. Over `node:http`, not `fetch`: fetch gives up on an
 * answer whose headers take more than 300 s, and at full size on DynamoDB Local one can.
 */
function post(path: string, body: unknown): Promise<{ ms: number; bytes: number; body: Record<string, unknown> }> {
  const started = performance.now();
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(`${warden.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${warden.adminKey}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) reject(new Error(`${path}: ${res.statusCode} ${text.slice(0, 300)}`));
        else resolve({ ms: Math.round(performance.now() - started), bytes: Buffer.byteLength(text), body: JSON.parse(text) as Record<string, unknown> });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

try {
  const seeded = !(await users.getProfile(IAM, 'user0'));
  const seeding = await timed(async () => {
    if (!seeded) return;
    await seedIdentities(org.subjects);
    await seedSources(warden.services, org.sources);
    await seedPolicies(warden.services, org.policies);
    // The sources were written past the repository: only a full build puts them in the artifact a cold function reads.
    await buildArtifact({ loader: snapshotLoader(warden.services), artifacts: warden.services.snapshotArtifacts, log: warden.services.log }, { full: true });
  });
  const firstDecision = await timed(() => post('/v1/decisions', { user: { iamid: IAM, userid: 'user0' }, dataSource: 'src0', dialect: 'postgres' }));
  const guard = guardOn(guardTags(org.tags));
  const body = { upsert: [guard.document] };
  const first = await post('/v1/simulations', body);
  const second = await post('/v1/simulations', body);

  // The parts, one at a time, in this process.
  const identities = await timed(() => scanAllViews(db));
  const subjects = identities.value.map((v) => v.subject);
  const before = await timed(() => decisions.freshSnapshot());
  const scanned = await timed(async () => {
    const { catalog, policies, iamTrust, config } = warden.services;
    const [c, p, t] = await Promise.all([catalog.scan(), policies.list(), iamTrust.read()]);
    return compileSnapshot({ ...c, policies: p, trustedIams: trustedIams(t, config.defaultIam), defaultIam: config.defaultIam });
  });
  const snapshot = before.value!.snapshot;
  const after = await timed(() => deriveSnapshot(snapshot, { policies: new Map([[guard.document.policyKey, guard]]), sources: new Map(), domains: new Map() }));
  const compared = await timed(() => simulate(snapshot, after.value, subjects, undefined, { limit: 10_000 }));
  const answer = (r: Awaited<ReturnType<typeof post>>) => ({ seconds: seconds(r.ms), replyBytes: r.bytes, changesListed: (r.body.changes as unknown[]).length, changesOmitted: r.body.changesOmitted });

  process.stdout.write(
    `${JSON.stringify({
      benchmark: 'simulate-http',
      organisation: SIZE,
      change: 'an Always Required guard on 3 tag sets (bench/simulate.ts)',
      seedSeconds: seeded ? seconds(seeding.ms) : 'reused BENCH_DATA_DIR',
      firstDecisionSeconds: seconds(firstDecision.ms),
      firstSimulation: answer(first),
      secondSimulation: answer(second),
      summary: second.body.summary,
      parts: {
        identityReadSeconds: seconds(identities.ms),
        identitiesRead: subjects.length,
        beforeFromCacheMs: before.ms,
        beforeByScanAndCompileSeconds: seconds(scanned.ms),
        afterDerivedMs: after.ms,
        compareSeconds: seconds(compared.ms),
      },
    })}\n`,
  );
} finally {
  await warden.stop();
}
