import { beforeAll, describe, expect, it } from 'vitest';
import { ENTERPRISE, expectScimError, GROUP, PATCH_OP, q, scimSetup, USER, type Caller } from './client.ts';

let call: Caller;
beforeAll(async () => {
  ({ call } = await scimSetup());
});

/** The user Entra creates: string booleans, externalId, enterprise extension. */
function entraUser(userName: string, externalId: string): Record<string, unknown> {
  return {
    schemas: [USER, ENTERPRISE],
    externalId,
    userName,
    active: 'True',
    displayName: 'Entra Person',
    emails: [{ primary: 'True', type: 'work', value: userName }],
    name: { formatted: 'Entra Person', familyName: 'Person', givenName: 'Entra' },
    [ENTERPRISE]: { department: 'Finance', employeeNumber: '42' },
  };
}

const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });

describe('Entra ID request shapes', () => {
  let id: string;

  it('creates a user with "True" strings stored as booleans', async () => {
    const res = await call('POST', '/Users', entraUser('entra.user@contoso.com', 'ext-1'));
    expect(res.status).toBe(201);
    id = res.body.id;
    expect(res.body.active).toBe(true);
    expect(res.body.emails[0].primary).toBe(true);
    expect(res.body.schemas).toEqual([USER, ENTERPRISE]);
    expect(res.body[ENTERPRISE]).toEqual({ department: 'Finance', employeeNumber: '42' });
  });

  it('queries by userName, by externalId, and with `and`', async () => {
    for (const filter of ['userName eq "entra.user@contoso.com"', 'externalId eq "ext-1"', 'externalId eq "ext-1" and userName eq "ENTRA.USER@contoso.com"']) {
      const res = await call('GET', `/Users${q(filter)}`);
      expect(res.body.Resources.map((r: { id: string }) => r.id)).toEqual([id]);
    }
    expect((await call('GET', `/Users${q('externalId eq "EXT-1"')}`)).body.totalResults).toBe(0);
  });

  it('filters on emails[type eq "work"].value, case-insensitive attribute names, sw/co/pr/gt', async () => {
    const filters = [
      'emails[type eq "work"].value eq "entra.user@contoso.com"',
      'DisplayName eq "entra person"',
      'userName sw "entra."',
      'name.familyName co "ers"',
      'externalId pr and (displayName eq "nobody" or userName ew "contoso.com")',
      'meta.created gt "2000-01-01T00:00:00Z"',
    ];
    for (const filter of filters) {
      const res = await call('GET', `/Users${q(filter)}`);
      expect(res.status, filter).toBe(200);
      expect(res.body.Resources.map((r: { id: string }) => r.id), filter).toEqual([id]);
    }
  });

  it('deactivates with {"op":"Replace","path":"active","value":"False"}', async () => {
    const res = await call('PATCH', `/Users/${id}`, patch({ op: 'Replace', path: 'active', value: 'False' }));
    expect(res.status).toBe(200);
    expect(res.body.active).toBe(false);
    expect((await call('GET', `/Users${q('externalId eq "ext-1"')}`)).body.Resources[0].active).toBe(false);
    const back = await call('PATCH', `/Users/${id}`, patch({ op: 'replace', path: 'active', value: true }));
    expect(back.body.active).toBe(true);
  });

  it('applies a path-less replace with dotted and full-URN keys', async () => {
    const res = await call(
      'PATCH',
      `/Users/${id}`,
      patch({ op: 'replace', value: { 'name.givenName': 'Renamed', [`${ENTERPRISE}:department`]: 'Legal', displayName: 'Renamed Person' } }),
    );
    expect(res.status).toBe(200);
    expect(res.body.name.givenName).toBe('Renamed');
    expect(res.body.name.familyName).toBe('Person');
    expect(res.body[ENTERPRISE].department).toBe('Legal');
    expect((await call('GET', `/Users${q('displayName eq "renamed person"')}`)).body.Resources.map((r: { id: string }) => r.id)).toEqual([id]);
    expect((await call('GET', `/Users${q('displayName eq "Entra Person"')}`)).body.totalResults).toBe(0);
  });

  it('patches full-URN paths and value paths', async () => {
    const res = await call(
      'PATCH',
      `/Users/${id}`,
      patch(
        { op: 'Add', path: `${ENTERPRISE}:employeeNumber`, value: '1001' },
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'new@contoso.com' },
        { op: 'Add', path: `${ENTERPRISE}:manager`, value: 'boss-id' },
      ),
    );
    expect(res.status).toBe(200);
    expect(res.body[ENTERPRISE]).toMatchObject({ employeeNumber: '1001', manager: { value: 'boss-id' } });
    expect(res.body.emails).toEqual([{ primary: true, type: 'work', value: 'new@contoso.com' }]);
    const removed = await call('PATCH', `/Users/${id}`, patch({ op: 'Remove', path: `${ENTERPRISE}:manager` }));
    expect(removed.body[ENTERPRISE].manager).toBeUndefined();
  });

  it('handles groups: displayName lookup, Add/Remove member shapes, excludedAttributes=members, 204 on PATCH', async () => {
    const other = (await call('POST', '/Users', entraUser('second@contoso.com', 'ext-2'))).body.id;
    const created = await call('POST', '/Groups', { schemas: [GROUP], externalId: 'g-ext', displayName: 'Entra Group', members: [] });
    expect(created.status).toBe(201);
    const gid = created.body.id;
    const found = await call('GET', `/Groups${q('displayName eq "Entra Group"', '&excludedAttributes=members')}`);
    expect(found.body.Resources).toEqual([expect.objectContaining({ id: gid, displayName: 'Entra Group' })]);
    expect((await call('GET', `/Groups${q('externalId eq "g-ext"')}`)).body.Resources.map((g: { id: string }) => g.id)).toEqual([gid]);

    const add = await call('PATCH', `/Groups/${gid}`, patch({ op: 'Add', path: 'members', value: [{ $ref: null, value: id }, { $ref: null, value: other }] }));
    expect(add.status).toBe(204);
    const full = await call('GET', `/Groups/${gid}`);
    expect(full.body.members.map((m: { value: string }) => m.value).sort()).toEqual([id, other].sort());
    const lean = await call('GET', `/Groups/${gid}?excludedAttributes=members`);
    expect(lean.body.members).toBeUndefined();
    expect(lean.body.displayName).toBe('Entra Group');
    const listed = await call('GET', `/Groups?excludedAttributes=members`);
    expect(listed.body.Resources[0].members).toBeUndefined();

    expect((await call('PATCH', `/Groups/${gid}`, patch({ op: 'Remove', path: 'members', value: [{ value: id }] }))).status).toBe(204);
    expect((await call('GET', `/Groups/${gid}`)).body.members.map((m: { value: string }) => m.value)).toEqual([other]);
    expect((await call('PATCH', `/Groups/${gid}`, patch({ op: 'remove', path: `members[value eq "${other}"]` }))).status).toBe(204);
    expect((await call('GET', `/Groups/${gid}`)).body.members).toBeUndefined();

    const renamed = await call('PATCH', `/Groups/${gid}`, patch({ op: 'Replace', path: 'displayName', value: 'Entra Group 2' }));
    expect(renamed.status).toBe(204);
    expect((await call('GET', `/Groups${q('displayName eq "Entra Group 2"')}`)).body.totalResults).toBe(1);
  });

  it('refuses members that do not exist: 400 invalidValue, nothing written', async () => {
    const gid = (await call('POST', '/Groups', { displayName: 'Strict' })).body.id;
    const res = await call('PATCH', `/Groups/${gid}`, patch({ op: 'Add', path: 'members', value: [{ value: id }, { value: 'no-such-user' }] }));
    expectScimError(res, 400, 'invalidValue');
    expect((await call('GET', `/Groups/${gid}`)).body.members).toBeUndefined();
    expectScimError(await call('POST', '/Groups', { displayName: 'Strict 2', members: [{ value: 'ghost' }] }), 400, 'invalidValue');
    expect((await call('GET', `/Groups${q('displayName eq "Strict 2"')}`)).body.totalResults).toBe(0);
  });

  it('serves discovery for Entra: camelCase, no nulls, 405 on writes', async () => {
    const schemas = await call('GET', '/Schemas');
    expect(schemas.status).toBe(200);
    expect(JSON.stringify(schemas.body)).not.toContain('null');
    expect(schemas.body.Resources.map((s: { id: string }) => s.id)).toEqual([USER, GROUP, ENTERPRISE]);
    expect((await call('GET', `/Schemas/${USER}`)).body.description).toBe('User Account');
    const types = await call('GET', '/ResourceTypes');
    expect(types.body.Resources.map((t: { endpoint: string }) => t.endpoint)).toEqual(['/Users', '/Groups']);
    expect((await call('GET', '/ResourceTypes/User')).body.schemaExtensions).toEqual([{ schema: ENTERPRISE, required: false }]);
    for (const path of ['/ServiceProviderConfig', '/serviceConfiguration']) {
      expect((await call('GET', path)).body.filter).toEqual({ supported: true, maxResults: 200 });
    }
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      for (const path of ['/ServiceProviderConfig', '/Schemas', '/ResourceTypes', '/ResourceTypes/User', '/serviceConfiguration']) {
        expectScimError(await call(method, path, method === 'DELETE' ? undefined : {}), 405);
      }
    }
    expectScimError(await call('GET', '/Schemas/urn:nope'), 404);
  });
});
