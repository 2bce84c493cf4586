/*
 * Every member name of `Object.prototype`, through every entry point where a user's key meets an
 * object: SCIM Users and Groups (bodies, PATCH paths, filters, projections), the admin API's
 * attribute and group routes, and an external source's answer. A name is either stored and read
 * back exactly, or refused with a 4xx naming it and nothing changed; never a 500, never dropped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserinfoApp } from '#functions/userinfo/app.ts';
import { isReservedKey } from '#shared/model/dict.ts';
import type { DecidingServices } from '#shared/services.ts';
import { refreshExternal } from '#shared/userinfo/refresh.ts';
import { ENTERPRISE, GROUP, PATCH_OP, expectScimError, oktaUser, q, scimSetup, type Caller } from '../functions/scim/client.ts';
import { startSourceServer, type SourceServer } from '../shared/userinfo/source-server.ts';
import { ADMIN_KEY, auditRecords, bearer, json } from '../support/services.ts';
import { identitiesSnapshot } from '../support/snapshot.ts';

// The external source below is a loopback server: allowed explicitly, as production requires.
process.env.WARDEN_EXTERNAL_SOURCE_ALLOWED_HOSTS = '127.0.0.1';

const NAMES = Object.getOwnPropertyNames(Object.prototype);
/** RFC 7643 §2.1 ATTRNAME: what a PATCH path or a filter can name. */
const ATTRNAME = /^[A-Za-z][\w-]*$/;
const CUSTOM_GROUP = 'urn:example:params:scim:schemas:extension:acme:2.0:Group';

let services: DecidingServices;
let call: Caller;
let admin: (path: string, init?: RequestInit) => Promise<{ status: number; body: Record<string, any> }>; // any: JSON under test
let source: SourceServer;

beforeAll(async () => {
  ({ services, call } = await scimSetup());
  const app = createUserinfoApp(services);
  admin = async (path, init = {}) => {
    const res = await app.request(path, { ...init, headers: { ...bearer(ADMIN_KEY), ...(init.headers as Record<string, string>) } });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : {} };
  };
  source = await startSourceServer();
  await services.iams.create({ id: 'hr', name: 'HR', scim: { enabled: false }, externalSource: { uri: source.url, auth: { type: 'none' }, ttlSeconds: 0 } });
});
afterAll(() => source.close());

const snapshot = () => identitiesSnapshot(services);
const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });
const rawJson = (value: unknown, name: string) => JSON.stringify(value).replaceAll('"KEY"', JSON.stringify(name));

describe.each(NAMES.map((name, i) => [name, i] as const))('the name `%s`', (name, i) => {
  const reserved = isReservedKey(name);
  const userName = `proto${i}@example.com`;
  /** A SCIM body carrying the reserved name: 400 `invalidValue` naming it, and nothing written. */
  const refusedNamingIt = async (reply: Awaited<ReturnType<typeof call>>, before: string): Promise<void> => {
    expectScimError(reply, 400, 'invalidValue');
    expect(reply.body.detail).toContain(`\`${name}\``);
    expect(await snapshot()).toBe(before);
  };

  it(reserved ? 'is refused in a SCIM User body, naming it, and nothing is written' : 'is kept wherever a SCIM User body carries it, and maps to a Warden attribute', async () => {
    const before = await snapshot();
    // Built as text: an object literal cannot hold an own `__proto__` key.
    const body = rawJson(oktaUser(userName, { name: { givenName: 'G', KEY: 'n' }, emails: [{ value: userName, KEY: 'e' }], [ENTERPRISE]: { KEY: 'v' } }), name);
    const created = await call('POST', '/Users', body);
    if (reserved) return refusedNamingIt(created, before);
    expect(created.status).toBe(201);
    const read = await call('GET', `/Users/${created.body.id}`);
    expect(Object.hasOwn(read.body.name, name) && read.body.name[name]).toBe('n');
    expect(read.body.emails[0][name]).toBe('e');
    expect(read.body[ENTERPRISE]).toEqual({ [name]: 'v' });
    const user = await admin(`/v1/users/okta/${encodeURIComponent(userName)}`);
    expect(user.body.sources.scim).toEqual({ [name]: ['v'] });

    const put = await call('PUT', `/Users/${created.body.id}`, oktaUser(userName, { [ENTERPRISE]: { [name]: 'w' } }));
    expect(put.status).toBe(200);
    expect((await admin(`/v1/users/okta/${encodeURIComponent(userName)}`)).body.sources.scim).toEqual({ [name]: ['w'] });
  });

  it(ATTRNAME.test(name) ? 'is patched, filtered on and projected as a SCIM extension attribute' : 'is refused in a SCIM PATCH path and a filter, naming it', async () => {
    const id = (await call('POST', '/Users', oktaUser(`patch-${userName}`))).body.id as string;
    const before = await snapshot();
    const added = await call('PATCH', `/Users/${id}`, patch({ op: 'add', path: `${ENTERPRISE}:${name}`, value: 'x' }));
    const filtered = await call('GET', `/Users${q(`${ENTERPRISE}:${name} eq "x"`)}`);
    if (!ATTRNAME.test(name)) {
      expectScimError(added, 400, 'invalidPath');
      expect(added.body.detail).toContain(name);
      expectScimError(filtered, 400, 'invalidFilter');
      expect(filtered.body.detail).toContain(name);
      expect(await snapshot()).toBe(before);
      return;
    }
    expect(added.status).toBe(200);
    expect(added.body[ENTERPRISE]).toEqual({ [name]: 'x' });
    expect(filtered.body.Resources.map((r: { id: string }) => r.id)).toEqual([id]);
    const projected = await call('GET', `/Users/${id}?attributes=${encodeURIComponent(`${ENTERPRISE}:${name}`)}`);
    expect(projected.body[ENTERPRISE]).toEqual({ [name]: 'x' });
    const replaced = await call('PATCH', `/Users/${id}`, patch({ op: 'replace', value: { [`${ENTERPRISE}:${name}`]: 'y', 'name.givenName': 'Z' } }));
    expect(replaced.body[ENTERPRISE]).toEqual({ [name]: 'y' });
    const removed = await call('PATCH', `/Users/${id}`, patch({ op: 'remove', path: `${ENTERPRISE}:${name}` }));
    expect(removed.status).toBe(200);
    expect(removed.body[ENTERPRISE]).toBeUndefined();
    expect((await admin(`/v1/users/okta/${encodeURIComponent(`patch-${userName}`)}`)).body.sources.scim).toEqual({});
  });

  it(reserved ? 'is refused in a SCIM Group body, naming it' : 'is kept in a SCIM Group, as its displayName and as an extension attribute', async () => {
    const before = await snapshot();
    const created = await call('POST', '/Groups', rawJson({ schemas: [GROUP, CUSTOM_GROUP], displayName: name, [CUSTOM_GROUP]: { KEY: 'v' } }, name));
    if (reserved) return refusedNamingIt(created, before);
    expect(created.status).toBe(201);
    expect(created.body.displayName).toBe(name);
    expect(created.body[CUSTOM_GROUP]).toEqual({ [name]: 'v' });
    const put = await call('PUT', `/Groups/${created.body.id}`, { displayName: name, [CUSTOM_GROUP]: { [name]: 'w' } });
    expect(put.body[CUSTOM_GROUP]).toEqual({ [name]: 'w' });
    const found = await call('GET', `/Groups${q(`displayName eq ${JSON.stringify(name)}`)}`);
    expect(found.body.Resources.map((r: { id: string }) => r.id)).toEqual([created.body.id]);
  });

  it(reserved ? 'is refused as an admin attribute key with a problem naming it' : 'is an admin attribute key and a group name like any other', async () => {
    const userid = `admin-${i}`;
    await services.users.create({ iamid: 'okta', userid, displayName: 'A' });
    const before = await snapshot();
    const set = await admin(`/v1/users/okta/${userid}/attributes/${encodeURIComponent(name)}`, json('PUT', { values: ['a'] }));
    const groupSet = await admin(`/v1/groups/okta/G${i}/attributes/${encodeURIComponent(name)}`, json('PUT', { values: ['g'] }));
    if (reserved) {
      for (const res of [set, groupSet]) {
        expect(res.status).toBe(400);
        expect(res.body.detail).toContain(`\`${name}\``);
      }
      expect(await snapshot()).toBe(before);
    } else {
      expect(set.body.sources.manual).toEqual({ [name]: ['a'] });
      expect(groupSet.body.sources.manual).toEqual({ [name]: ['g'] });
      expect((await admin(`/v1/users/okta/${userid}/attributes/${encodeURIComponent(name)}`, { method: 'DELETE' })).status).toBe(204);
      expect((await admin(`/v1/users/okta/${userid}`)).body.sources.manual).toEqual({});
    }
    // Group names are data: a group may be called `__proto__` too.
    const joined = await admin(`/v1/groups/okta/${encodeURIComponent(name)}/members`, json('POST', { userid }));
    expect(joined.status).toBe(200);
    expect(joined.body.groups).toContain(name);
    expect(Object.hasOwn(joined.body.memberships, name) && joined.body.memberships[name]).toEqual(['manual']);
    expect(Object.hasOwn(joined.body.sources.groups, name)).toBe(true);
  });

  it(reserved ? 'in an external answer fails the refresh, audited and naming it, keeping the last good values' : 'in an external answer is stored, and removed when the source stops sending it', async () => {
    const userid = `ext-${i}`;
    await services.users.create({ iamid: 'hr', userid, displayName: 'E' });
    source.answers.set(userid, { body: { groups: [{ name: 'Base' }], authorizations: { base: ['1'] } } });
    expect(await refreshExternal(services, 'hr', userid)).toBe('updated');
    source.answers.set(userid, { raw: rawJson({ groups: [{ name }], authorizations: { KEY: ['v'], base: ['1'] } }, name) });
    const outcome = await refreshExternal(services, 'hr', userid);
    const user = await admin(`/v1/users/hr/${userid}`);
    if (reserved) {
      expect(outcome).toBe('failed');
      expect(user.body.sources.external).toEqual({ base: ['1'] });
      const failure = (await auditRecords(services)).find((r) => r.action === 'EXTERNAL_SOURCE' && r.actionStatus === 'FAILURE' && (r.targets as string[]).some((t) => t.includes(userid)));
      expect(String((failure?.payload as { reason?: string })?.reason)).toContain(`\`${name}\``);
      return;
    }
    expect(outcome).toBe('updated');
    expect(user.body.sources.external).toEqual({ [name]: ['v'], base: ['1'] });
    expect(user.body.groups).toEqual([name]);
    source.answers.set(userid, { body: { groups: [], authorizations: { base: ['1'] } } });
    expect(await refreshExternal(services, 'hr', userid)).toBe('updated');
    expect((await admin(`/v1/users/hr/${userid}`)).body.sources.external).toEqual({ base: ['1'] });
  });
});
