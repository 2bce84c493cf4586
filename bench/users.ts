/**
 * Users' views and groups at scale, on the local server (DynamoDB Local, real HTTP): the
 * DynamoDB requests and items, and the time, of a user's view load and a SCIM lookup as the IAM
 * grows (1k, 10k, 100k users: the counts must not move), of SCIM PATCH add/remove of one member,
 * GET and DELETE on a 100,000-member group next to a 10-member one, of a member's view and
 * decision, and of the view of a user in 1,000 groups; the SCIM DELETE of the big group as the
 * caller waits for it, then the purge of its memberships. Prints one JSON object.
 * Run: `npx tsx bench/users.ts` (USERS_BENCH_BIG: the big group's size and the largest IAM).
 */
import { startLocal } from '#local/bootstrap.ts';
import { attributeItems } from '#shared/store/attributes.ts';
import { batchWrite, type WriteRequest } from '#shared/store/batch.ts';
import { purgeDeletedGroup } from '#shared/store/group-deletion.ts';
import { identityKeys } from '#shared/store/key-formats.ts';
import { membershipItem } from '#shared/store/memberships.ts';
import { loadUserView } from '#shared/store/subjects.ts';
import { createIndexItems } from '#shared/store/user-index.ts';
import { newUserRecord, userProfileItem } from '#shared/store/user-record.ts';

const BIG = Number(process.env.USERS_BENCH_BIG ?? 100_000);
const CHECKPOINTS = [1_000, 10_000, BIG].filter((n, i, all) => n <= BIG && all.indexOf(n) === i);
const SMALL = 10;
const MANY_GROUPS = 1_000;
const IAM = 'okta';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const warden = await startLocal({ port: 0, seed: false, logLevel: 'silent' });
const { users, groups, db } = warden.services;

/** Every DynamoDB request of the server's client, with the items it read and wrote. */
const counts = { requests: 0, itemsRead: 0, itemsWritten: 0 };
db.doc.middlewareStack.add(
  (next, context) => async (args) => {
    const input = args.input as { TransactItems?: unknown[]; RequestItems?: Record<string, unknown[]> };
    const out = await next(args);
    const o = out.output as { Item?: unknown; Items?: unknown[]; Responses?: Record<string, unknown[]> | unknown[] };
    const batched = Array.isArray(o.Responses) ? o.Responses.length : Object.values(o.Responses ?? {}).reduce((n, l) => n + l.length, 0);
    counts.requests++;
    counts.itemsRead += (o.Item ? 1 : 0) + (o.Items?.length ?? 0) + batched;
    const name = context.commandName ?? '';
    if (name === 'TransactWriteItemsCommand') counts.itemsWritten += input.TransactItems?.length ?? 0;
    else if (name === 'BatchWriteItemCommand') counts.itemsWritten += Object.values(input.RequestItems ?? {}).reduce((n, l) => n + l.length, 0);
    else if (/^(Put|Delete|Update)ItemCommand$/.test(name)) counts.itemsWritten++;
    return out;
  },
  { step: 'initialize', name: 'benchUsersMeter', priority: 'high' },
);

/** What `task` cost: its time and the DynamoDB requests and items of the server meanwhile. */
async function cost<T>(task: () => Promise<T>): Promise<{ ms: number; requests: number; itemsRead: number; itemsWritten: number; value: T }> {
  const before = { ...counts };
  const started = performance.now();
  const value = await task();
  const ms = Number((performance.now() - started).toFixed(1));
  return { ms, requests: counts.requests - before.requests, itemsRead: counts.itemsRead - before.itemsRead, itemsWritten: counts.itemsWritten - before.itemsWritten, value };
}
const plain = <T extends { value: unknown }>({ value: _, ...rest }: T): Omit<T, 'value'> => rest;

async function send(path: string, init: { method: string; body?: unknown; token?: string; allow?: number }): Promise<{ status: number; text: string }> {
  const headers = { authorization: `Bearer ${init.token ?? warden.scimToken}`, 'content-type': path.startsWith('/scim') ? 'application/scim+json' : 'application/json' };
  const res = await fetch(`${warden.url}${path}`, { method: init.method, headers, ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}) });
  const text = await res.text();
  if (res.status >= 300 && res.status !== init.allow) throw new Error(`${init.method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return { status: res.status, text };
}

/** Runs `task(i)` for i in [from, to) with `width` in flight. */
async function pool(from: number, to: number, width: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = from;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < to) await task(next++);
  }));
}

const userid = (i: number) => `member.${i}`;
const scimId = (i: number) => `scim-${i}`;

/**
 * Writes what `UserRepository.create` (and `addMembers`) would, for users [from, to), 25 items
 * a batch with 16 batches in flight: DynamoDB Local takes a transaction per user far slower,
 * and only the stored items matter to what is measured.
 */
async function seed(from: number, to: number, memberOf: (i: number) => readonly string[]): Promise<void> {
  const table = db.tables.identities;
  const puts: WriteRequest[] = [];
  for (let i = from; i < to; i++) {
    const record = newUserRecord({ iamid: IAM, userid: userid(i), displayName: `Member ${i}`, scimId: scimId(i), userName: userid(i), scim: { userName: userid(i) } });
    const items = [
      userProfileItem(record),
      ...[...createIndexItems(table, record), ...attributeItems(table, identityKeys.user(IAM, record.userid), 'scim', { Country: [i % 2 ? 'US' : 'FR'] })].flatMap((t) => (t.Put?.Item ? [t.Put.Item] : [])),
      ...memberOf(i).map((g) => membershipItem(IAM, g, record.userid, 'scim')),
    ];
    for (const Item of items) puts.push({ PutRequest: { Item } });
  }
  await pool(0, Math.ceil(puts.length / 25), 16, async (b) => {
    const left = await batchWrite(db, table, puts.slice(b * 25, (b + 1) * 25));
    if (left.length) throw new Error('dynamodb local left seed items unwritten');
  });
}
const patch = (id: string, op: object) => send(`/scim/v2/Groups/${id}`, { method: 'PATCH', body: { schemas: [PATCH_OP], Operations: [op] } });

try {
  // Two groups from the start; member 0 belongs to both, so its view reads both groups.
  const big = await groups.create({ iamid: IAM, displayName: 'Big', scim: { displayName: 'Big' } });
  const small = await groups.create({ iamid: IAM, displayName: 'Small', scim: { displayName: 'Small' } });
  await groups.setAttributes(IAM, big.id, 'scim', { Clearance: ['Internal'] });

  // 1. Per-user costs as the IAM grows.
  const growth: Array<Record<string, unknown>> = [];
  let created = 0;
  const seedStarted = performance.now();
  // Every user but the last 4 joins the big group as it is created; the first 10 the small one.
  const memberOf = (i: number) => [...(i < BIG - 4 ? [big.id] : []), ...(i < SMALL ? [small.id] : [])];
  for (const size of CHECKPOINTS) {
    await seed(created, size, memberOf);
    created = size;
    const view = await cost(() => loadUserView(users, groups, IAM, userid(0)));
    const lookup = await cost(() => send(`/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${userid(1)}"`)}`, { method: 'GET' }));
    growth.push({ users: size, viewLoad: plain(view), scimUserNameLookup: plain(lookup) });
  }
  const seedSeconds = Number(((performance.now() - seedStarted) / 1000).toFixed(1));

  // 3. One-member PATCHes, GETs with and without members, on both groups.
  const fresh = [BIG - 4, BIG - 3, BIG - 2, BIG - 1];
  const onGroups: Record<string, unknown> = {};
  for (const [name, g, add] of [['small', small, fresh[0]!], ['big', big, fresh[1]!]] as const) {
    const addOne = await cost(() => patch(g.id, { op: 'add', path: 'members', value: [{ value: scimId(add) }] }));
    const removeOne = await cost(() => patch(g.id, { op: 'remove', path: `members[value eq "${scimId(add)}"]` }));
    const withoutMembers = await cost(() => send(`/scim/v2/Groups/${g.id}?excludedAttributes=members`, { method: 'GET' }));
    // Past what one answer holds, the group is refused (400 tooMany) rather than listed.
    const withMembers = await cost(() => send(`/scim/v2/Groups/${g.id}`, { method: 'GET', allow: 400 }));
    const listed = (JSON.parse(withMembers.value.text) as { members?: unknown[] }).members?.length ?? 0;
    const answer = { status: withMembers.value.status, members: listed, bytes: withMembers.value.text.length };
    onGroups[name] = { patchAddOne: plain(addOne), patchRemoveOne: plain(removeOne), getExcludingMembers: plain(withoutMembers), getWithMembers: { ...plain(withMembers), ...answer } };
  }

  // 4. A member's view and decision (a source open to the big group's members).
  const admin = { token: warden.adminKey };
  await send('/v1/data-sources/bench_src', { method: 'PUT', ...admin, body: { name: 'bench_src', platform: 'postgres', database: 'db', schema: 'public', table: 'bench', tags: ['Bench'], columns: [{ name: 'id', type: 'int', tags: [] }] } });
  await send('/v1/policies/bench-big', { method: 'PUT', ...admin, body: { policyKey: 'bench-big', type: 'subscription', trustedIams: [IAM], actions: { type: 'entitlements', entitlements: { groups: ['Big'] } }, circumstances: [{ type: 'tags', tag: 'Bench' }] } });
  const decide = (i: number) => send('/v1/decisions', { method: 'POST', ...admin, body: { user: { iamid: IAM, userid: userid(i) }, dataSource: 'bench_src', dialect: 'postgres' } });
  await decide(2);
  const memberView = await cost(() => loadUserView(users, groups, IAM, userid(3)));
  const memberDecision = await cost(() => decide(4));
  const granted = (JSON.parse(memberDecision.value.text) as { access?: string }).access;

  // 5. A user in 1,000 groups (store calls), its view and its first decision.
  const many = fresh[2]!;
  const manyIds: string[] = [];
  await pool(0, MANY_GROUPS, 32, async (i) => {
    const g = await groups.create({ iamid: IAM, displayName: `Many ${i}` });
    await groups.addMembers(IAM, g.id, [userid(many)], 'scim');
    manyIds.push(g.id);
  });
  const manyView = await cost(() => loadUserView(users, groups, IAM, userid(many)));
  const manyDecision = await cost(() => decide(many));

  // 6. Deleting the big group over SCIM (what the caller waits for), then the purge of its memberships.
  const deleted = await cost(() => send(`/scim/v2/Groups/${big.id}`, { method: 'DELETE' }));
  const bigMemberView = await loadUserView(users, groups, IAM, userid(5));
  const purge = await cost(() => purgeDeletedGroup(db, { iamid: IAM, groupId: big.id, deletedAt: new Date().toISOString() }, { deadline: Date.now() + 3_600_000 }));
  const left = await groups.listMembers(IAM, big.id, { limit: 10 });

  process.stdout.write(
    `${JSON.stringify({
      benchmark: 'users',
      server: 'local server (startLocal) over HTTP on DynamoDB Local; counts are the server client\'s DynamoDB requests and items',
      growth,
      seedSeconds,
      seeding: 'users and memberships written as the repositories store them, by BatchWriteItem (not one transaction per user); every measured step goes through the SCIM or decision API or the store',
      bigGroupMembers: BIG - 4,
      ...onGroups,
      memberView: { groups: memberView.value?.groups.length, ...plain(memberView) },
      memberDecision: { access: granted, ...plain(memberDecision) },
      userInManyGroups: { groups: manyView.value?.groups.length, view: plain(manyView), decision: plain(manyDecision) },
      deleteBigGroup: {
        ...plain(deleted),
        memberViewAfterDelete: { groups: bigMemberView?.groups.map((g) => g.profile.displayName) },
        purge: plain(purge),
        membersLeftAfterPurge: left.members.length,
      },
    })}\n`,
  );
} finally {
  await warden.stop();
}
