import { beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '#shared/auth/secrets.ts';
import type { Services } from '#shared/services.ts';
import { auditRecords } from '../../support/services.ts';
import { BASE, expectScimError, oktaUser, PATCH_OP, q, scimSetup, type Caller } from './client.ts';

let services: Services;
let call: Caller;
beforeAll(async () => {
  ({ services, call } = await scimSetup());
});

describe('Okta SCIM 2.0 spec test sequence', () => {
  const userName = 'okta.spec.user@example.com';
  let id: string;
  let created: Record<string, unknown>;

  it('finds nobody before creating, in lower and upper case', async () => {
    for (const name of [userName, userName.toUpperCase()]) {
      const res = await call('GET', `/Users${q(`userName eq "${name}"`, '&startIndex=1&count=100')}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, itemsPerPage: 0, startIndex: 1, Resources: [] });
    }
  });

  it('creates the user: 201, Location, the whole resource, never the password', async () => {
    const res = await call('POST', '/Users', oktaUser(userName));
    expect(res.status).toBe(201);
    id = res.body.id;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('location')).toBe(`${BASE}/Users/${id}`);
    expect(res.headers.get('etag')).toBe('W/"1"');
    expect(res.body).toMatchObject({ userName, active: true, displayName: 'Test User', name: { givenName: 'Test', familyName: 'User' } });
    expect(res.body.meta).toEqual({ resourceType: 'User', created: expect.any(String), lastModified: expect.any(String), location: `${BASE}/Users/${id}`, version: 'W/"1"' });
    expect(JSON.stringify(res.body)).not.toContain('S3cret');
    const stored = await services.users.getProfile('okta', userName);
    expect(JSON.stringify(stored)).not.toContain('S3cret');
    expect(stored).toMatchObject({ userid: userName, scimId: id, active: true, displayName: 'Test User', email: userName });
    created = res.body;
  });

  it('gets the user by id', async () => {
    const res = await call('GET', `/Users/${id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(created);
    expect(res.headers.get('etag')).toBe('W/"1"');
  });

  it('finds it by userName in any case, and by id', async () => {
    for (const filter of [`userName eq "${userName}"`, `userName eq "${userName.toUpperCase()}"`, `id eq "${id}"`]) {
      const res = await call('GET', `/Users${q(filter, '&startIndex=1&count=100')}`);
      expect(res.body.totalResults).toBe(1);
      expect(res.body.Resources[0].id).toBe(id);
    }
  });

  it('refuses a second user with the same userName in another case: 409 uniqueness', async () => {
    const res = await call('POST', '/Users', oktaUser(userName.toUpperCase()));
    expectScimError(res, 409, 'uniqueness');
  });

  it('updates the user with a full PUT, ignoring unknown attributes', async () => {
    const res = await call('PUT', `/Users/${id}`, { ...created, name: { givenName: 'Changed', familyName: 'User' }, nickName: 'c', favouriteColour: 'blue' });
    expect(res.status).toBe(200);
    expect(res.body.name).toEqual({ givenName: 'Changed', familyName: 'User' });
    expect(res.body.favouriteColour).toBeUndefined();
    expect(res.body.meta.version).toBe('W/"2"');
  });

  it('deactivates with a path-less PATCH: still readable and filterable', async () => {
    const res = await call('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] });
    expect(res.status).toBe(200);
    expect(res.body.active).toBe(false);
    expect((await call('GET', `/Users/${id}`)).body.active).toBe(false);
    const found = await call('GET', `/Users${q(`userName eq "${userName}"`)}`);
    expect(found.body.Resources.map((r: { id: string }) => r.id)).toEqual([id]);
    const inactive = await call('GET', `/Users${q('active eq false')}`);
    expect(inactive.body.Resources.map((r: { id: string }) => r.id)).toEqual([id]);
    expect((await services.users.getProfile('okta', userName))?.active).toBe(false);
  });

  it('reactivates with a full PUT of active:true', async () => {
    const current = (await call('GET', `/Users/${id}`)).body;
    const res = await call('PUT', `/Users/${id}`, { ...current, active: true });
    expect(res.body.active).toBe(true);
  });

  it('answers 404 for an unknown id', async () => {
    expectScimError(await call('GET', '/Users/010101010101010101'), 404);
    expectScimError(await call('PUT', '/Users/010101010101010101', oktaUser('x')), 404);
    expectScimError(await call('PATCH', '/Users/010101010101010101', { Operations: [{ op: 'replace', value: { active: false } }] }), 404);
  });

  it('answers 401 for a random or missing token, and audits it', async () => {
    expectScimError(await call('GET', '/Users', undefined, { authorization: 'Bearer scim_random' }), 401);
    const res = await call('GET', '/Users', undefined, { authorization: '' });
    expectScimError(res, 401);
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
    const audit = await auditRecords(services);
    expect(audit.filter((r) => r.action === 'AUTHENTICATE' && r.actionStatus === 'UNAUTHORIZED').length).toBeGreaterThanOrEqual(2);
  });

  it('audits every change with the IAM and the resource id in the same transaction', async () => {
    const audit = await auditRecords(services);
    const changes = audit.filter((r) => r.targetType === 'user' && (r.targets as string[])[0] === id);
    expect(changes.map((r) => r.action)).toEqual(['CREATE', 'UPDATE', 'UPDATE', 'UPDATE']);
    for (const r of changes) expect(r.actor).toEqual({ type: 'iam', id: 'okta' });
    expect(changes[0]!.targets).toEqual([id, userName]);
  });

  it('deletes the user: 204, then 404', async () => {
    const res = await call('DELETE', `/Users/${id}`);
    expect(res.status).toBe(204);
    expectScimError(await call('GET', `/Users/${id}`), 404);
    expect(await services.users.getProfile('okta', userName)).toBeUndefined();
    expect((await call('GET', `/Users${q(`userName eq "${userName}"`)}`)).body.totalResults).toBe(0);
  });

  it('answers 501 on /Me', async () => {
    expectScimError(await call('GET', '/Me'), 501);
  });
});

describe('Okta groups', () => {
  it('creates, renames with a path-less replace of {id, displayName}, changes members, deletes', async () => {
    const a = (await call('POST', '/Users', oktaUser('g.a@example.com'))).body.id;
    const b = (await call('POST', '/Users', oktaUser('g.b@example.com'))).body.id;
    const created = await call('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Okta Team', members: [{ value: a, display: 'A' }] });
    expect(created.status).toBe(201);
    const gid = created.body.id;
    expect(created.headers.get('location')).toBe(`${BASE}/Groups/${gid}`);
    expect(created.body.members).toEqual([{ value: a, display: 'Test User', $ref: `${BASE}/Users/${a}` }]);
    expectScimError(await call('POST', '/Groups', { displayName: 'okta team' }), 409, 'uniqueness');

    const renamed = await call('PATCH', `/Groups/${gid}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { id: gid, displayName: 'Okta Team 2' } }] });
    expect(renamed.status).toBe(204);
    const swap = await call('PATCH', `/Groups/${gid}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'remove', path: `members[value eq "${a}"]` },
        { op: 'add', path: 'members', value: [{ value: b }] },
      ],
    });
    expect(swap.status).toBe(204);
    const read = await call('GET', `/Groups/${gid}`);
    expect(read.body.displayName).toBe('Okta Team 2');
    expect(read.body.members.map((m: { value: string }) => m.value)).toEqual([b]);
    const byName = await call('GET', `/Groups${q('displayName eq "okta team 2"')}`);
    expect(byName.body.Resources.map((g: { id: string }) => g.id)).toEqual([gid]);

    await call('PATCH', `/Groups/${gid}`, { Operations: [{ op: 'replace', path: 'members', value: [{ value: a }, { value: b }] }] });
    expect((await call('GET', `/Groups/${gid}`)).body.members.map((m: { value: string }) => m.value).sort()).toEqual([a, b].sort());
    const group = await services.groups.idByName('okta', 'Okta Team 2');
    expect(group).toBe(gid);

    expect((await call('DELETE', `/Groups/${gid}`)).status).toBe(204);
    expectScimError(await call('GET', `/Groups/${gid}`), 404);
    expect(await services.groups.idByName('okta', 'Okta Team 2')).toBeUndefined();
  });
});

describe('token rotation', () => {
  it('stops accepting a rotated token at once', async () => {
    expect((await call('GET', '/Users?count=1')).status).toBe(200);
    const iam = (await services.iams.get('okta'))!;
    await services.iams.update(iam, { scim: { ...iam.scim, tokenHash: sha256Hex('scim_rotated') } });
    expectScimError(await call('GET', '/Users?count=1'), 401);
    expect((await call('GET', '/Users?count=1', undefined, { authorization: 'Bearer scim_rotated' })).status).toBe(200);
  });
});
