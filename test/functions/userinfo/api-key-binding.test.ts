import { decisionService } from '#shared/decision-service/index.ts';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createScimApp } from '#functions/scim/app.ts';
import { createUserinfoApp } from '#functions/userinfo/app.ts';
import { sha256Hex } from '#shared/auth/secrets.ts';
import { createServices, type DecidingServices } from '#shared/services.ts';
import { identityKeys as keys } from '#shared/store/key-formats.ts';
import { ADMIN_KEY, auditRecords, bearer, json, localServices } from '../../support/services.ts';
import { caller, oktaUser, type Caller } from '../scim/client.ts';

let s: DecidingServices;
let scim: Caller;
let app: ReturnType<typeof createUserinfoApp>;
beforeAll(async () => {
  const local = await localServices();
  // No key cache: each request asks the tables, as a cold instance does.
  s = createServices(local.services.db, local.services.config, { bootstrapKeyHash: async () => sha256Hex(ADMIN_KEY), authCacheMs: 0, decisions: decisionService });
  scim = caller(createScimApp(s), local.scimToken);
  app = createUserinfoApp(s);
});

async function userKey(userid: string): Promise<{ keyId: string; apiKey: string }> {
  const res = await app.request('/v1/api-keys', json('POST', { principal: { type: 'user', iamid: 'okta', id: userid }, name: 'own' }, bearer(ADMIN_KEY)));
  expect(res.status).toBe(201);
  return (await res.json()) as { keyId: string; apiKey: string };
}

const readSelf = (key: string, userid: string) => app.request(`/v1/users/okta/${encodeURIComponent(userid)}`, { headers: bearer(key) });
const rawItem = async (key: { pk: string; sk: string }) => (await s.db.doc.send(new GetCommand({ TableName: s.db.tables.identities, Key: key, ConsistentRead: true }))).Item;

describe('api keys are bound to the identity they were issued for', () => {
  it('deletes a user\'s keys with the user (SCIM), audits which, and the key never acts for a new user of the same userName', async () => {
    const created = await scim('POST', '/Users', oktaUser('reborn@example.com'));
    const { keyId, apiKey } = await userKey('reborn@example.com');
    expect((await readSelf(apiKey, 'reborn@example.com')).status).toBe(200);
    expect((await scim('DELETE', `/Users/${created.body.id}`)).status).toBe(204);
    for (const k of keys.apiKeyItems(sha256Hex(apiKey), keyId)) expect(await rawItem(k)).toBeUndefined();
    expect((await auditRecords(s)).find((r) => r.action === 'DELETE' && r.targetType === 'user' && (r.targets as string[]).includes('reborn@example.com'))).toMatchObject({
      payload: { apiKeysDeleted: [keyId] },
    });
    expect((await scim('POST', '/Users', oktaUser('reborn@example.com'))).status).toBe(201);
    const res = await readSelf(apiKey, 'reborn@example.com');
    expect(res.status).toBe(401);
  });

  it('refuses a key of the earlier user even when its item survived the deletion', async () => {
    const first = await scim('POST', '/Users', oktaUser('twice@example.com'));
    const { apiKey } = await userKey('twice@example.com');
    const item = await rawItem({ pk: keys.apiKey(sha256Hex(apiKey)), sk: keys.profile });
    await scim('DELETE', `/Users/${first.body.id}`);
    await scim('POST', '/Users', oktaUser('twice@example.com'));
    // As if the index had not yet shown the key when the user was deleted.
    await s.db.doc.send(new PutCommand({ TableName: s.db.tables.identities, Item: item }));
    const res = await readSelf(apiKey, 'twice@example.com');
    expect(res.status).toBe(401);
    expect(((await res.json()) as { detail: string }).detail).toBe('the user of this api key no longer exists');
    const fresh = await userKey('twice@example.com');
    expect((await readSelf(fresh.apiKey, 'twice@example.com')).status).toBe(200);
  });

  it('keeps keys and users from before uids working, and binds such a key by its creation time', async () => {
    await scim('POST', '/Users', oktaUser('legacy@example.com'));
    const profileKey = { pk: keys.user('okta', 'legacy@example.com'), sk: keys.profile };
    const { uid: _uid, stamp: _stamp, ...legacyProfile } = (await rawItem(profileKey))!;
    await s.db.doc.send(new PutCommand({ TableName: s.db.tables.identities, Item: legacyProfile }));
    const { apiKey } = await userKey('legacy@example.com');
    const keyKey = { pk: keys.apiKey(sha256Hex(apiKey)), sk: keys.profile };
    expect((await rawItem(keyKey))!.uid).toBe(legacyProfile.createdAt);
    const { uid: _keyUid, ...legacyKey } = (await rawItem(keyKey))!;
    await s.db.doc.send(new PutCommand({ TableName: s.db.tables.identities, Item: legacyKey }));
    expect((await readSelf(apiKey, 'legacy@example.com')).status).toBe(200);
    // The same key, had it been issued before this user was created: it was another person's.
    await s.db.doc.send(new PutCommand({ TableName: s.db.tables.identities, Item: { ...legacyKey, createdAt: '2000-01-01T00:00:00.000Z' } }));
    expect((await readSelf(apiKey, 'legacy@example.com')).status).toBe(401);
  });
});

describe('deactivation stamps', () => {
  it('gives a user a new stamp when deactivated, kept through reactivation, and never another uid', async () => {
    const created = await scim('POST', '/Users', oktaUser('stamped@example.com'));
    const before = (await s.users.getProfile('okta', 'stamped@example.com'))!;
    const patch = (active: boolean) => scim('PATCH', `/Users/${created.body.id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { active } }] });
    expect((await patch(false)).status).toBe(200);
    const off = (await s.users.getProfile('okta', 'stamped@example.com'))!;
    expect((await patch(true)).status).toBe(200);
    const on = (await s.users.getProfile('okta', 'stamped@example.com'))!;
    expect(off.stamp).not.toBe(before.stamp);
    expect(on.stamp).toBe(off.stamp);
    expect(new Set([before.uid, off.uid, on.uid]).size).toBe(1);
  });
});
