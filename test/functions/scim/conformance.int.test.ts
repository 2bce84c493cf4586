/* RFC 7643/7644 behaviours beyond what the Okta and Entra suites probe, over HTTP and the store. */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Services } from '#shared/services.ts';
import { identitiesSnapshot } from '../../support/snapshot.ts';
import { BASE, ENTERPRISE, expectScimError, oktaUser, PATCH_OP, q, scimSetup, type Caller } from './client.ts';

let services: Services;
let call: Caller;
beforeAll(async () => {
  ({ services, call } = await scimSetup());
});

const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });

describe('canonical attribute names (RFC 7643 §2.1)', () => {
  it('stores and returns the schema spelling, so a later write in canonical case replaces instead of duplicating', async () => {
    const created = await call('POST', '/Users', {
      userName: 'casing@example.com',
      Name: { GivenName: 'Ann', FamilyName: 'Lee' },
      emails: [{ Value: 'casing@example.com', Type: 'work', Primary: true }],
      [ENTERPRISE]: { Department: 'Ops', Manager: { Value: 'boss' } },
    });
    expect(created.status).toBe(201);
    expect(created.body.name).toEqual({ givenName: 'Ann', familyName: 'Lee' });
    expect(created.body.emails).toEqual([{ value: 'casing@example.com', type: 'work', primary: true }]);
    expect(created.body[ENTERPRISE]).toEqual({ department: 'Ops', manager: { value: 'boss' } });
    const id = created.body.id as string;
    await call('PATCH', `/Users/${id}`, patch({ op: 'replace', path: 'name', value: { givenName: 'Bea' } }, { op: 'replace', path: `${ENTERPRISE}:manager.value`, value: 'chief' }));
    const read = await call('GET', `/Users/${id}`);
    expect(read.body.name).toEqual({ givenName: 'Bea', familyName: 'Lee' });
    expect(read.body[ENTERPRISE]).toEqual({ department: 'Ops', manager: { value: 'chief' } });
    const attrs = (await services.users.get('okta', 'casing@example.com'))!.attributes.scim;
    expect(attrs).toEqual({ department: ['Ops'], manager: ['chief'] });
  });
});

describe('one primary value (RFC 7643 §2.4, RFC 7644 §3.5.2)', () => {
  it('clears the other primary when a value path makes one primary', async () => {
    const emails = [
      { value: 'w@example.com', type: 'work', primary: true },
      { value: 'h@example.com', type: 'home' },
    ];
    const id = (await call('POST', '/Users', oktaUser('primary@example.com', { emails }))).body.id as string;
    const res = await call('PATCH', `/Users/${id}`, patch({ op: 'replace', path: 'emails[type eq "home"].primary', value: true }));
    expect(res.status).toBe(200);
    expect(res.body.emails).toEqual([
      { value: 'w@example.com', type: 'work', primary: false },
      { value: 'h@example.com', type: 'home', primary: true },
    ]);
  });

  it('refuses two primaries in one attribute on POST, PUT and PATCH: 400 invalidValue, nothing written', async () => {
    const id = (await call('POST', '/Users', oktaUser('one-primary@example.com'))).body.id as string;
    const two = [
      { value: 'a@example.com', type: 'work', primary: true },
      { value: 'b@example.com', type: 'home', primary: true },
    ];
    const before = await identitiesSnapshot(services);
    expectScimError(await call('POST', '/Users', oktaUser('two-primaries@example.com', { emails: two })), 400, 'invalidValue');
    expectScimError(await call('PUT', `/Users/${id}`, oktaUser('one-primary@example.com', { emails: two })), 400, 'invalidValue');
    expectScimError(await call('PATCH', `/Users/${id}`, patch({ op: 'replace', path: 'emails', value: two })), 400, 'invalidValue');
    expect(await identitiesSnapshot(services)).toBe(before);
  });
});

/** Two users and three groups: One {ann}, Two {ann, bob}, Three {} (bob is a manual member only). */
async function organisation(tag: string) {
  const ann = (await call('POST', '/Users', oktaUser(`ann.${tag}@example.com`))).body.id as string;
  const bob = (await call('POST', '/Users', oktaUser(`bob.${tag}@example.com`))).body.id as string;
  const one = (await call('POST', '/Groups', { displayName: `One ${tag}`, members: [{ value: ann }] })).body.id as string;
  const two = (await call('POST', '/Groups', { displayName: `Two ${tag}`, members: [{ value: ann }, { value: bob }] })).body.id as string;
  const three = (await call('POST', '/Groups', { displayName: `Three ${tag}` })).body.id as string;
  await services.groups.addMembers('okta', three, [`bob.${tag}@example.com`], 'manual');
  return { ann, bob, one, two, three };
}

/** Runs `read` and checks it called none of `methods` of the group repository (the reads that grow with every group). */
async function neverCalling(methods: ReadonlyArray<'list' | 'listMembers' | 'get'>, read: () => Promise<void>): Promise<void> {
  const spies = methods.map((method) => vi.spyOn(services.groups, method));
  try {
    await read();
    for (const [i, spy] of spies.entries()) expect(spy, methods[i]).not.toHaveBeenCalled();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

const ids = (reply: { body: Record<string, any> }) => (reply.body.Resources as Array<{ id: string }>).map((r) => r.id).sort(); // any: JSON under test

describe('filtering Groups by member (RFC 7644 §3.4.2.2; Entra\'s membership check)', () => {
  it('matches `members eq`, `members.value eq`, `members[value eq]`, with `id eq … and`, and negated', async () => {
    const o = await organisation('filter');
    expect(ids(await call('GET', `/Groups${q(`members eq "${o.ann}"`)}`))).toEqual([o.one, o.two].sort());
    expect(ids(await call('GET', `/Groups${q(`members.value eq "${o.bob}"`)}`))).toEqual([o.two]);
    expect(ids(await call('GET', `/Groups${q(`members[value eq "${o.bob}"]`)}`))).toEqual([o.two]);
    const entra = await call('GET', `/Groups${q(`id eq "${o.one}" and members eq "${o.ann}"`, '&excludedAttributes=members')}`);
    expect(ids(entra)).toEqual([o.one]);
    expect(entra.body.Resources[0].members).toBeUndefined();
    expect((await call('GET', `/Groups${q(`id eq "${o.one}" and members eq "${o.bob}"`)}`)).body.totalResults).toBe(0);
    expect(ids(await call('GET', `/Groups${q(`displayName sw "T" and not (members eq "${o.ann}")`)}`))).toEqual([o.three]);
    expect((await call('GET', `/Groups${q('members eq "nobody"')}`)).body.totalResults).toBe(0);
  });

  it('reads the groups of the member, never every group', async () => {
    const o = await organisation('cheap');
    await neverCalling(['list', 'listMembers'], async () => {
      expect(ids(await call('GET', `/Groups${q(`members eq "${o.bob}"`, '&excludedAttributes=members')}`))).toEqual([o.two]);
    });
  });

  it('refuses a member condition it cannot answer: 400 invalidFilter, not an empty list', async () => {
    for (const filter of ['members pr', 'members.display eq "Ann"', 'members co "a"', 'members[type eq "User"]']) {
      expectScimError(await call('GET', `/Groups${q(filter)}`), 400, 'invalidFilter');
    }
  });
});

describe('a User\'s read-only `groups` (RFC 7643 §4.1.2)', () => {
  it('returns the groups a user is a SCIM member of, with value, display, $ref and type', async () => {
    const o = await organisation('groups');
    const ann = await call('GET', `/Users/${o.ann}`);
    expect(ann.body.groups).toEqual([
      { value: o.one, display: 'One groups', $ref: `${BASE}/Groups/${o.one}`, type: 'direct' },
      { value: o.two, display: 'Two groups', $ref: `${BASE}/Groups/${o.two}`, type: 'direct' },
    ]);
    const listed = await call('GET', `/Users${q('userName eq "bob.groups@example.com"')}`);
    expect(listed.body.Resources[0].groups.map((g: { value: string }) => g.value)).toEqual([o.two]);
    expect((await call('GET', `/Users/${o.ann}?excludedAttributes=groups`)).body.groups).toBeUndefined();
    const patched = await call('PATCH', `/Users/${o.ann}`, patch({ op: 'replace', path: 'title', value: 'CFO' }));
    expect(patched.body.groups).toHaveLength(2);
    expectScimError(await call('PATCH', `/Users/${o.ann}`, patch({ op: 'add', path: 'groups', value: [{ value: o.three }] })), 400, 'mutability');
  });

  it('reads only the user\'s own groups, never every group', async () => {
    const o = await organisation('user-cheap');
    await neverCalling(['list', 'get'], async () => {
      expect((await call('GET', `/Users/${o.ann}`)).body.groups).toHaveLength(2);
    });
  });

  it('filters Users by group with `groups eq` and `groups.value eq`', async () => {
    const o = await organisation('by-group');
    expect(ids(await call('GET', `/Users${q(`groups eq "${o.two}"`)}`))).toEqual([o.ann, o.bob].sort());
    expect(ids(await call('GET', `/Users${q(`groups.value eq "${o.one}" and userName sw "ann.by-group"`)}`))).toEqual([o.ann]);
    expect((await call('GET', `/Users${q(`groups eq "${o.three}"`)}`)).body.totalResults).toBe(0);
  });
});

describe('If-None-Match (RFC 7232 §3.2, RFC 7644 §3.14)', () => {
  it('answers 304 without a body when the ETag matches, 200 when it is stale', async () => {
    const created = await call('POST', '/Users', oktaUser('etag@example.com'));
    const etag = created.headers.get('etag')!;
    const group = await call('POST', '/Groups', { displayName: 'Etag Group' });
    for (const [path, tag] of [
      [`/Users/${created.body.id}`, etag],
      [`/Groups/${group.body.id}`, group.headers.get('etag')!],
    ] as const) {
      for (const header of [tag, tag.replace(/^W\//, ''), `"0", ${tag}`, '*']) {
        const res = await call('GET', path, undefined, { 'if-none-match': header });
        expect(res.status).toBe(304);
        expect(res.headers.get('etag')).toBe(tag);
        expect(res.body).toEqual({});
      }
      expect((await call('GET', path, undefined, { 'if-none-match': 'W/"999"' })).status).toBe(200);
    }
    await call('PATCH', `/Users/${created.body.id}`, patch({ op: 'replace', path: 'title', value: 'new' }));
    const after = await call('GET', `/Users/${created.body.id}`, undefined, { 'if-none-match': etag });
    expect(after.status).toBe(200);
    expect(after.body.title).toBe('new');
  });
});
