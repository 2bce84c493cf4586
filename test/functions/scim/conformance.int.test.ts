/* RFC 7643/7644 behaviours beyond what the Okta and Entra suites probe, over HTTP and the store. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '#shared/services.ts';
import { identitiesSnapshot } from '../../support/snapshot.ts';
import { ENTERPRISE, expectScimError, oktaUser, PATCH_OP, scimSetup, type Caller } from './client.ts';

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
