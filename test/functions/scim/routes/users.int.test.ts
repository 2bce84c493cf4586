import { beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '#shared/services.ts';
import { ENTERPRISE, expectScimError, oktaUser, PATCH_OP, q, scimSetup, USER, type Caller } from '../client.ts';

let services: Services;
let call: Caller;
beforeAll(async () => {
  ({ services, call } = await scimSetup());
});

async function pool<T>(items: T[], width: number, run: (item: T) => Promise<unknown>): Promise<void> {
  const queue = [...items];
  await Promise.all(Array.from({ length: width }, async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) await run(next);
  }));
}

describe('SCIM users', () => {
  it('pages 250 users with count=100 stably: no duplicates, none missing, integer fields', async () => {
    const names = Array.from({ length: 250 }, (_, i) => `page.${String(i).padStart(3, '0')}@example.com`);
    await pool(names, 16, async (n) => expect((await call('POST', '/Users', oktaUser(n))).status).toBe(201));
    const seen: string[] = [];
    for (let start = 1; start <= 250; start += 100) {
      const res = await call('GET', `/Users${q('userName sw "page."', `&startIndex=${start}&count=100`)}`);
      expect(res.body).toMatchObject({ totalResults: 250, startIndex: start, itemsPerPage: Math.min(100, 251 - start) });
      seen.push(...res.body.Resources.map((r: { userName: string }) => r.userName));
    }
    expect(seen).toEqual([...names].sort());
    const unfiltered = await call('GET', '/Users?startIndex=201&count=100&attributes=userName');
    expect(unfiltered.body.totalResults).toBe(250);
    expect(Object.keys(unfiltered.body.Resources[0]).sort()).toEqual(['id', 'schemas', 'userName']);
    const searched = await call('POST', '/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'userName sw "page.1"', startIndex: 1, count: 5, attributes: ['userName'] });
    expect(searched.body).toMatchObject({ totalResults: 100, itemsPerPage: 5 });
    expect(searched.body.Resources[0]).toEqual({ id: expect.any(String), schemas: [USER], userName: 'page.100@example.com' });
    const empty = await call('GET', '/Users?count=0');
    expect(empty.body).toMatchObject({ totalResults: 250, itemsPerPage: 0, Resources: [] });
  });

  it('shapes responses with attributes= and excludedAttributes=', async () => {
    const created = (await call('POST', '/Users', oktaUser('shape@example.com'))).body;
    const only = await call('GET', `/Users/${created.id}?attributes=userName,name.givenName`);
    expect(only.body).toEqual({ id: created.id, schemas: [USER], userName: 'shape@example.com', name: { givenName: 'Test' } });
    const without = await call('GET', `/Users${q('userName eq "shape@example.com"', '&excludedAttributes=emails,meta')}`);
    expect(without.body.Resources[0].emails).toBeUndefined();
    expect(without.body.Resources[0].meta).toBeUndefined();
    expect(without.body.Resources[0].userName).toBe('shape@example.com');
  });

  it('refuses a userName taken in another case, also on rename: 409 uniqueness', async () => {
    const a = (await call('POST', '/Users', oktaUser('Case.Person@example.com'))).body;
    expectScimError(await call('POST', '/Users', oktaUser('case.person@EXAMPLE.com')), 409, 'uniqueness');
    const b = (await call('POST', '/Users', oktaUser('other.person@example.com'))).body;
    const clash = await call('PATCH', `/Users/${b.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'userName', value: 'CASE.PERSON@example.com' }] });
    expectScimError(clash, 409, 'uniqueness');
    const renamed = await call('PATCH', `/Users/${a.id}`, { Operations: [{ op: 'replace', path: 'userName', value: 'renamed.person@example.com' }] });
    expect(renamed.body.userName).toBe('renamed.person@example.com');
    // The Warden userid stays the userName at creation.
    expect((await services.users.getByScimId('okta', a.id))?.userid).toBe('Case.Person@example.com');
    expect((await call('GET', `/Users${q('userName eq "renamed.person@example.com"')}`)).body.totalResults).toBe(1);
    expect((await call('GET', `/Users${q('userName eq "case.person@example.com"')}`)).body.totalResults).toBe(0);
  });

  it('answers 412 to a stale If-Match and applies a current one', async () => {
    const u = (await call('POST', '/Users', oktaUser('etag@example.com'))).body;
    const ok = await call('PATCH', `/Users/${u.id}`, { Operations: [{ op: 'replace', path: 'nickName', value: 'one' }] }, { 'if-match': 'W/"1"' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('etag')).toBe('W/"2"');
    const stale = await call('PUT', `/Users/${u.id}`, { ...u, nickName: 'two' }, { 'if-match': 'W/"1"' });
    expectScimError(stale, 412);
    expect((await call('GET', `/Users/${u.id}`)).body.nickName).toBe('one');
    expectScimError(await call('DELETE', `/Users/${u.id}`, undefined, { 'if-match': 'W/"1"' }), 412);
  });

  it('maps extension attributes to Warden attributes (source scim), following the IAM mappings', async () => {
    const custom = 'urn:ietf:params:scim:schemas:extension:acme:2.0:User';
    const u = (await call('POST', '/Users', oktaUser('attrs@example.com', { schemas: [USER, ENTERPRISE, custom], [ENTERPRISE]: { department: 'Sales', costCenter: 'CC1' }, [custom]: { region: ['EMEA', 'APAC'] } }))).body;
    const attrs = async () => (await services.users.get('okta', 'attrs@example.com'))!.attributes.scim;
    expect(await attrs()).toEqual({ department: ['Sales'], costCenter: ['CC1'], region: ['EMEA', 'APAC'] });
    await call('PATCH', `/Users/${u.id}`, { Operations: [{ op: 'remove', path: `${ENTERPRISE}:costCenter` }] });
    expect(await attrs()).toEqual({ department: ['Sales'], region: ['EMEA', 'APAC'] });

    const iam = (await services.iams.get('okta'))!;
    await services.iams.update(iam, { scim: { ...iam.scim, attributeMappings: [{ from: `${ENTERPRISE}:department`, to: 'Department' }] } });
    await call('PATCH', `/Users/${u.id}`, { Operations: [{ op: 'replace', path: `${ENTERPRISE}:department`, value: 'Legal' }] });
    expect(await attrs()).toEqual({ Department: ['Legal'] });
    await services.iams.update((await services.iams.get('okta'))!, { scim: { ...iam.scim } });
  });

  it('keeps inactive users readable and filterable', async () => {
    await call('POST', '/Users', oktaUser('sleeper@example.com', { active: false, externalId: 'sleep-1' }));
    const res = await call('GET', `/Users${q('externalId eq "sleep-1" and active eq false')}`);
    expect(res.body.Resources).toEqual([expect.objectContaining({ userName: 'sleeper@example.com', active: false })]);
  });

  it('answers malformed input with 400s and oversized bodies with 413, never a 5xx', async () => {
    expectScimError(await call('POST', '/Users', '{"userName": '), 400, 'invalidSyntax');
    expectScimError(await call('POST', '/Users', ''), 400, 'invalidSyntax');
    expectScimError(await call('POST', '/Users', { name: { givenName: 'x' } }), 400, 'invalidValue');
    expectScimError(await call('POST', '/Users', '[1,2]'), 400);
    expectScimError(await call('GET', `/Users${q('userName eq')}`), 400, 'invalidFilter');
    expectScimError(await call('GET', `/Users${q('userName zz "x"')}`), 400, 'invalidFilter');
    expectScimError(await call('GET', '/Users?startIndex=abc'), 400);
    expectScimError(await call('GET', `/Users/${'x'.repeat(3000)}`), 404);
    expectScimError(await call('GET', `/Groups/${'x'.repeat(3000)}`), 404);
    for (const attr of ['id', 'userName', 'externalId', 'displayName']) {
      expect((await call('GET', `/Users${q(`${attr} eq "${'x'.repeat(3000)}"`)}`)).body.totalResults).toBe(0);
      expect((await call('GET', `/Groups${q(`${attr} eq "${'x'.repeat(3000)}"`)}`)).body.totalResults).toBe(0);
    }
    expectScimError(await call('POST', '/Users', JSON.stringify(oktaUser('big@example.com', { nickName: 'x'.repeat(1_100_000) }))), 413);
    expectScimError(await call('POST', '/Users', oktaUser('n'.repeat(600))), 400, 'invalidValue');
    expectScimError(await call('POST', '/Users', oktaUser('long@example.com', { displayName: undefined, name: { formatted: 'f'.repeat(3000) } })), 400, 'invalidValue');
    expectScimError(await call('POST', '/Users', oktaUser('num@example.com', { [ENTERPRISE]: { employeeNumber: 1e200 } })), 400, 'invalidValue');
    const id = (await call('GET', `/Users${q('userName eq "shape@example.com"')}`)).body.Resources[0].id;
    expectScimError(await call('PATCH', `/Users/${id}`, { Operations: 'nope' }), 400, 'invalidSyntax');
    expectScimError(await call('PATCH', `/Users/${id}`, { Operations: [{ op: 'replace', path: 'active', value: 'maybe' }] }), 400, 'invalidValue');
    expectScimError(await call('PATCH', `/Users/${id}`, { Operations: [{ op: 'remove', path: 'userName' }] }), 400);
  });
});
