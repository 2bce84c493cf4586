/**
 * SCIM provisioning against the local server (DynamoDB Local, real HTTP): users/s when creating
 * users, and the cost of a one-member PATCH on a 10-member group vs a 50,000-member group.
 * Prints one JSON object. Run: `npx tsx bench/scim.ts` (sizes via SCIM_BENCH_USERS / _BIG).
 */
import { startLocal } from '#local/bootstrap.ts';

const USERS = Number(process.env.SCIM_BENCH_USERS ?? 10_000);
const GROUPS = 100;
const BULK_MEMBERS = 1_000;
const BIG_GROUP = Number(process.env.SCIM_BENCH_BIG ?? 50_000);
const SMALL_GROUP = 10;
const REPS = 60;
const CONCURRENCY = 16;
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const warden = await startLocal({ port: 0, seed: false, logLevel: 'silent' });
const base = `${warden.url}/scim/v2`;
const headers = { authorization: `Bearer ${warden.scimToken}`, 'content-type': 'application/scim+json' };

async function send(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 200)}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** Runs `task(i)` for i in [0, n) with `width` in flight. */
async function pool(n: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < n) await task(next++);
  }));
}

const seconds = (since: number): number => (performance.now() - since) / 1000;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number, digits = 2): number => Number(x.toFixed(digits));
const addMember = (id: string) => ({ schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: id }] }] });

try {
  // 1. Users over HTTP, as an IdP's initial push does.
  const scimIds: string[] = new Array(USERS);
  let started = performance.now();
  await pool(USERS, CONCURRENCY, async (i) => {
    const u = await send('POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: `bench.user.${i}@example.com`,
      name: { givenName: 'Bench', familyName: `User ${i}` },
      emails: [{ primary: true, type: 'work', value: `bench.user.${i}@example.com` }],
      active: true,
    });
    scimIds[i] = u.id as string;
  });
  const userSeconds = seconds(started);

  // 2. Groups over HTTP.
  const groupIds: string[] = new Array(GROUPS);
  started = performance.now();
  await pool(GROUPS, CONCURRENCY, async (i) => {
    groupIds[i] = (await send('POST', '/Groups', { displayName: `Bench Group ${i}` })).id as string;
  });
  const groupSeconds = seconds(started);

  // 3. 1,000 members into one group by PATCH, 100 per request, 4 requests in flight.
  started = performance.now();
  await pool(BULK_MEMBERS / 100, 4, async (b) => {
    const value = scimIds.slice(b * 100, (b + 1) * 100).map((id) => ({ value: id }));
    await send('PATCH', `/Groups/${groupIds[0]}`, { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value }] });
  });
  const bulkSeconds = seconds(started);

  // 4. A 10-member group (over HTTP) and a 50,000-member group built in the store directly.
  await send('PATCH', `/Groups/${groupIds[1]}`, { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: scimIds.slice(0, SMALL_GROUP).map((id) => ({ value: id })) }] });
  const { users, groups } = warden.services;
  // The last 2×REPS SCIM users stay out of both groups: the timed PATCHes add them.
  const inBig = Math.min(USERS - 2 * REPS, BIG_GROUP);
  const extra = BIG_GROUP - inBig;
  started = performance.now();
  await pool(extra, 64, async (i) => {
    await users.create({ iamid: 'okta', userid: `filler.${i}`, displayName: `Filler ${i}`, scimId: `filler-${i}`, userName: `filler.${i}`, scim: { userName: `filler.${i}` } });
  });
  const memberUserids = [...Array.from({ length: inBig }, (_, i) => `bench.user.${i}@example.com`), ...Array.from({ length: extra }, (_, i) => `filler.${i}`)];
  const chunks = Math.ceil(memberUserids.length / 490);
  await pool(chunks, 32, async (c) => {
    await groups.addMembers('okta', groupIds[2]!, memberUserids.slice(c * 490, (c + 1) * 490), 'scim');
  });
  const buildSeconds = seconds(started);
  let bigCount = 0;
  for (let cursor: string | null = null; ; ) {
    const page: { members: unknown[]; cursor: string | null } = await groups.listMembers('okta', groupIds[2]!, { cursor, limit: 5000 });
    bigCount += page.members.length;
    if (!(cursor = page.cursor)) break;
  }

  // 5. One-member PATCH add, alternating between the two groups; each repetition adds a user
  //    that is in neither group yet (10 → 10+REPS members; 50,000 → 50,000+REPS).
  const fresh = scimIds.slice(USERS - 2 * REPS);
  const small: number[] = [];
  const big: number[] = [];
  for (let r = 0; r < REPS; r++) {
    for (const [group, samples, id] of [[groupIds[1]!, small, fresh[2 * r]!], [groupIds[2]!, big, fresh[2 * r + 1]!]] as const) {
      const t = performance.now();
      await send('PATCH', `/Groups/${group}`, addMember(id));
      samples.push(performance.now() - t);
    }
  }
  const smallMs = median(small);
  const bigMs = median(big);

  process.stdout.write(
    `${JSON.stringify({
      benchmark: 'scim',
      server: 'local server (startLocal) over HTTP on DynamoDB Local',
      concurrency: CONCURRENCY,
      users: USERS,
      usersPerSecond: round(USERS / userSeconds, 1),
      userCreateSeconds: round(userSeconds, 1),
      groups: GROUPS,
      groupsPerSecond: round(GROUPS / groupSeconds, 1),
      bulkMembers: { members: BULK_MEMBERS, patches: BULK_MEMBERS / 100, seconds: round(bulkSeconds) },
      bigGroupMembers: bigCount,
      bigGroupBuildSeconds: round(buildSeconds, 1),
      singleMemberPatch: { repetitions: REPS, smallGroupMembers: SMALL_GROUP, smallMedianMs: round(smallMs), bigMedianMs: round(bigMs), ratio: round(bigMs / smallMs), target: 1.5 },
      note: `the ${BIG_GROUP}-member group is built in the store (GroupRepository.addMembers, 490 per call, 32 calls in flight) with ${extra} filler users created through UserRepository.create, bypassing HTTP; every other step goes through the SCIM API`,
    })}\n`,
  );
} finally {
  await warden.stop();
}
