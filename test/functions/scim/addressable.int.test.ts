/*
 * Names SCIM accepts must be names the rest of the API can address: a userName becomes the
 * userid of `/v1/users/{iamid}/{userid}` (at most 256 printable characters, no `#`), a group's
 * displayName the `{name}` of `/v1/groups/{iamid}/{name}` (at most 256 printable characters).
 * Others are refused with 400 `invalidValue` (RFC 7644 §3.12) on POST, PUT and PATCH alike.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createUserinfoApp } from '#functions/userinfo/app.ts';
import type { DecidingServices } from '#shared/services.ts';
import { ADMIN_KEY, bearer, json } from '../../support/services.ts';
import { identitiesSnapshot } from '../../support/snapshot.ts';
import { expectScimError, oktaUser, PATCH_OP, scimSetup, type Caller } from './client.ts';

let services: DecidingServices;
let call: Caller;
let admin: ReturnType<typeof createUserinfoApp>;
let userId: string;
let groupId: string;
beforeAll(async () => {
  ({ services, call } = await scimSetup());
  admin = createUserinfoApp(services);
  userId = (await call('POST', '/Users', oktaUser('kept@example.com'))).body.id;
  groupId = (await call('POST', '/Groups', { displayName: 'Kept' })).body.id;
});

const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });

const BAD_USERNAMES: Array<[string, string]> = [
  ['a `#`', 'a#b@example.com'],
  ['a control character', 'bell\u0007@example.com'],
  ['a line break', 'two\nlines@example.com'],
  ['257 characters', `${'u'.repeat(245)}@example.com`],
];
const BAD_GROUP_NAMES: Array<[string, string]> = [
  ['a control character', 'Tab\tGroup'],
  ['257 characters', 'g'.repeat(257)],
];

describe('userNames the API cannot address', () => {
  it.each(BAD_USERNAMES)('refuses one with %s on POST, PUT and PATCH: 400 invalidValue, nothing written', async (_why, userName) => {
    const before = await identitiesSnapshot(services);
    for (const reply of [
      await call('POST', '/Users', oktaUser(userName)),
      await call('PUT', `/Users/${userId}`, oktaUser(userName)),
      await call('PATCH', `/Users/${userId}`, patch({ op: 'replace', path: 'userName', value: userName })),
      await call('PATCH', `/Users/${userId}`, patch({ op: 'Replace', value: { userName } })),
    ]) {
      expectScimError(reply, 400, 'invalidValue');
      expect(reply.body.detail).toContain('`userName`');
    }
    expect(await identitiesSnapshot(services)).toBe(before);
  });

  it('accepts 256 printable characters, which the admin API then addresses', async () => {
    const userName = `${'u'.repeat(244)}@example.com`;
    expect(userName).toHaveLength(256);
    expect((await call('POST', '/Users', oktaUser(userName))).status).toBe(201);
    const res = await admin.request(`/v1/users/okta/${encodeURIComponent(userName)}`, { headers: bearer(ADMIN_KEY) });
    expect(res.status).toBe(200);
  });
});

describe('group displayNames the API cannot address', () => {
  it.each(BAD_GROUP_NAMES)('refuses one with %s on POST, PUT and PATCH: 400 invalidValue, nothing written', async (_why, displayName) => {
    const before = await identitiesSnapshot(services);
    for (const reply of [
      await call('POST', '/Groups', { displayName }),
      await call('PUT', `/Groups/${groupId}`, { displayName }),
      await call('PATCH', `/Groups/${groupId}`, patch({ op: 'replace', path: 'displayName', value: displayName })),
    ]) {
      expectScimError(reply, 400, 'invalidValue');
      expect(reply.body.detail).toContain('`displayName`');
    }
    expect(await identitiesSnapshot(services)).toBe(before);
  });

  it('accepts 256 printable characters, `#` included, which the admin API then addresses', async () => {
    const displayName = `#${'g'.repeat(255)}`;
    expect((await call('POST', '/Groups', { displayName })).status).toBe(201);
    const res = await admin.request(`/v1/groups/okta/${encodeURIComponent(displayName)}/attributes/Floor`, json('PUT', { values: ['2'] }, bearer(ADMIN_KEY)));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { sources: { manual: unknown } }).sources.manual).toEqual({ Floor: ['2'] });
  });
});
