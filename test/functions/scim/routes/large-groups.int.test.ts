import { beforeAll, describe, expect, it } from 'vitest';
import { createScimApp } from '#functions/scim/app.ts';
import type { Services } from '#shared/services.ts';
import { purgeDeletedGroup } from '#shared/store/group-deletion.ts';
import { loadUserView } from '#shared/store/subjects.ts';
import { localServices } from '../../../support/services.ts';
import { caller, expectScimError, PATCH_OP, type Caller } from '../client.ts';

/*
 * A group whose member ids alone (850 SCIM ids of 500 characters: 425 KB) are more than one
 * DynamoDB item holds (400 KB): members are one item each, so nothing about it may fail.
 */
const MEMBERS = 850;
const IAM = 'okta';
const userid = (i: number) => `${'u'.repeat(250)}.${i}`;
const scimId = (i: number) => `${'s'.repeat(494)}-${i}`;

let services: Services;
let call: Caller;
let token: string;
let gid: string;

/** Runs `task(i)` for i in [0, n) with 16 in flight. */
async function pool(n: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next < n) await task(next++);
  }));
}

/** The DynamoDB requests `task` makes through the services' client. */
async function requestsOf(task: () => Promise<unknown>): Promise<number> {
  let n = 0;
  const name = `count-${Math.random()}`;
  services.db.doc.middlewareStack.add((next) => (args) => (n++, next(args)), { step: 'initialize', name });
  try {
    await task();
  } finally {
    services.db.doc.middlewareStack.remove(name);
  }
  return n;
}

beforeAll(async () => {
  const local = await localServices();
  ({ services } = local);
  token = local.scimToken;
  call = caller(createScimApp(services), token);
  await pool(MEMBERS + 1, (i) => services.users.create({ iamid: IAM, userid: userid(i), displayName: `M${i}`, scimId: scimId(i), userName: userid(i), scim: { userName: userid(i) } }));
  gid = (await call('POST', '/Groups', { displayName: 'Everyone' })).body.id;
  const ids = Array.from({ length: MEMBERS }, (_, i) => userid(i));
  for (let i = 0; i < MEMBERS; i += 200) await services.groups.addMembers(IAM, gid, ids.slice(i, i + 200), 'scim');
}, 240_000);

describe('a group larger than one DynamoDB item', () => {
  it('is listed whole and changed one member at a time', async () => {
    const got = await call('GET', `/Groups/${gid}`);
    expect(got.status).toBe(200);
    expect(JSON.stringify(got.body.members).length).toBeGreaterThan(400 * 1024);
    expect(new Set(got.body.members.map((m: { value: string }) => m.value))).toEqual(new Set(Array.from({ length: MEMBERS }, (_, i) => scimId(i))));

    const extra = scimId(MEMBERS);
    expect((await call('PATCH', `/Groups/${gid}`, { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: extra }] }] })).status).toBe(204);
    expect((await services.users.get(IAM, userid(MEMBERS)))?.memberships.has(gid)).toBe(true);
    expect((await call('PATCH', `/Groups/${gid}`, { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: `members[value eq "${extra}"]` }] })).status).toBe(204);
    expect((await services.users.get(IAM, userid(MEMBERS)))?.memberships.has(gid)).toBe(false);

    const view = await loadUserView(services.users, services.groups, IAM, userid(7));
    expect([...view!.subject.groups]).toEqual(['Everyone']);
  });

  it("loads a member's view in two reads, its partition and its group's, whatever the group's size", async () => {
    const reads = await requestsOf(() => loadUserView(services.users, services.groups, IAM, userid(3)));
    expect(reads).toBe(2);
  });

  it('refuses with 400 tooMany a read listing more members than one answer holds, and serves it without them', async () => {
    const small = caller(createScimApp(services, { membersChars: 64 * 1024 }), token);
    const refused = await small('GET', `/Groups/${gid}`);
    expectScimError(refused, 400, 'tooMany');
    expect(refused.body.detail).toContain('excludedAttributes=members');
    expectScimError(await small('GET', `/Groups?filter=${encodeURIComponent('displayName eq "Everyone"')}`), 400, 'tooMany');
    const without = await small('GET', `/Groups/${gid}?excludedAttributes=members`);
    expect(without.status).toBe(200);
    expect(without.body.displayName).toBe('Everyone');
    expect(without.body.members).toBeUndefined();
    // A write is answered 200 (it happened), as the group reads without its members.
    const renamed = await small('PUT', `/Groups/${gid}`, { displayName: 'Everyone Renamed' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.displayName).toBe('Everyone Renamed');
    expect(renamed.body.members).toBeUndefined();
    expect((await services.groups.get(IAM, gid))?.profile.displayName).toBe('Everyone Renamed');
  });

  it('deletes the group in a constant number of requests, then the purge removes every one of its memberships', async () => {
    const requests = await requestsOf(async () => expect((await call('DELETE', `/Groups/${gid}`)).status).toBe(204));
    // The SCIM token and the group's read, then one transaction, whatever the group's size.
    expect(requests).toBeLessThanOrEqual(5);
    expect((await call('GET', `/Groups/${gid}`)).status).toBe(404);
    expect((await services.users.get(IAM, userid(0)))?.memberships.has(gid)).toBe(true);
    await purgeDeletedGroup(services.db, { iamid: IAM, groupId: gid, deletedAt: new Date().toISOString() }, { deadline: Date.now() + 60_000 });
    expect((await services.groups.listMembers(IAM, gid)).members).toEqual([]);
    expect((await services.users.get(IAM, userid(0)))?.memberships.size).toBe(0);
  });
});

describe('a deleted group whose memberships are not purged yet', () => {
  it('has already gone from every read: its leftover memberships show nowhere', async () => {
    const members = [0, 1, 2].map(userid);
    const id = (await call('POST', '/Groups', { displayName: 'Interrupted' })).body.id;
    await services.groups.addMembers(IAM, id, members, 'scim');
    expect((await call('DELETE', `/Groups/${id}`)).status).toBe(204);
    expect((await services.users.get(IAM, members[0]!))?.memberships.has(id)).toBe(true);
    expect((await call('GET', `/Groups/${id}`)).status).toBe(404);
    expect([...(await loadUserView(services.users, services.groups, IAM, members[0]!))!.subject.groups]).not.toContain('Interrupted');
    expect((await call('GET', `/Users?filter=${encodeURIComponent(`groups eq "${id}"`)}`)).body.totalResults).toBe(0);
    const user = await call('GET', `/Users/${scimId(0)}`);
    expect((user.body.groups ?? []).map((g: { value: string }) => g.value)).not.toContain(id);
  });
});
