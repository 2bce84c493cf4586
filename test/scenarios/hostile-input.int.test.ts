/*
 * Generated hostile keys and values (Object.prototype's names, unicode, control characters, huge
 * strings, near-valid shapes) through every way user keys reach the identities table: SCIM Users
 * and Groups (POST, PUT, PATCH), the admin API's attribute and membership routes, and the answer
 * of an external source. Never a 5xx; a refused request changes nothing; an accepted one can be
 * read back.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserinfoApp } from '#functions/userinfo/app.ts';
import type { DecidingServices } from '#shared/services.ts';
import { loadUserView } from '#shared/store/subjects.ts';
import { refreshExternal } from '#shared/userinfo/refresh.ts';
import { ENTERPRISE, GROUP, oktaUser, PATCH_OP, scimSetup, type Caller } from '../functions/scim/client.ts';
import { startSourceServer, type SourceServer } from '../shared/userinfo/source-server.ts';
import { ADMIN_KEY, bearer } from '../support/services.ts';
import { identitiesSnapshot } from '../support/snapshot.ts';

// The external source below is a loopback server: allowed explicitly, as production requires.
process.env.WARDEN_EXTERNAL_SOURCE_ALLOWED_HOSTS = '127.0.0.1';

const CUSTOM = 'urn:ietf:params:scim:schemas:extension:Acme:2.0:User';
const CUSTOM_GROUP = 'urn:example:params:scim:schemas:extension:acme:2.0:Group';

let services: DecidingServices;
let call: Caller;
let admin: ReturnType<typeof createUserinfoApp>;
let source: SourceServer;
let userId: string;
let groupId: string;

beforeAll(async () => {
  ({ services, call } = await scimSetup());
  admin = createUserinfoApp(services);
  source = await startSourceServer();
  await services.iams.create({ id: 'hr', name: 'HR', scim: { enabled: false }, externalSource: { uri: source.url, auth: { type: 'none' }, ttlSeconds: 0 } });
  await services.users.create({ iamid: 'hr', userid: 'ext@example.com', displayName: 'Ext' });
  userId = (await call('POST', '/Users', oktaUser('target@example.com', { [ENTERPRISE]: { department: 'Ops' } }))).body.id;
  groupId = (await call('POST', '/Groups', { displayName: 'Target', members: [{ value: userId }] })).body.id;
});
afterAll(() => source.close());

/** `{key: value}` with `key` an own property whatever it is (`__proto__` too), as JSON.parse builds it. */
const entry = (key: string, value: unknown): Record<string, unknown> => JSON.parse(`{${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'}}`);

const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);
const odd = fc.constantFrom('\u0000', '\u0007', '\n', '\u001f', '\u007f', '\u202e', '#', '/', '%', '.', ':', '[', '"', 'a', 'é', '😀', 'ß');
const hostileString = fc.oneof(
  fc.constantFrom(...PROTOTYPE_NAMES),
  fc.string({ unit: 'grapheme', maxLength: 24 }),
  fc.string({ unit: odd, maxLength: 16 }),
  fc.integer({ min: 200, max: 2_000 }).map((n) => 'k'.repeat(n)),
  fc.constantFrom('', ' ', 'userName', 'displayName', 'emails', 'members', 'groups', 'id', 'meta', 'schemas', '$ref', 'value', 'primary', 'active', ENTERPRISE, CUSTOM, `${ENTERPRISE}:department`, 'urn:x', 'a.b'),
);
const hugeString = fc.constantFrom(150_000, 400_000, 1_100_000).map((n) => 'v'.repeat(n));
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: hostileString },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 2, arbitrary: fc.tuple(hostileString, hostileString).map(([k, v]) => entry(k, v)) },
  { weight: 1, arbitrary: fc.array(fc.tuple(hostileString, hostileString).map(([k, v]) => entry(k, v)), { maxLength: 3 }) },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: fc.constantFrom(true, 'True', 1e300, null) },
);
const keyed = fc.tuple(hostileString, hostileValue).map(([k, v]) => entry(k, v));

const WHERE = ['top', 'name', 'emails', 'enterprise', 'custom'] as const;
const userBody = fc.record({ userName: fc.oneof(hostileString, fc.constant('target@example.com')), where: fc.constantFrom(...WHERE), keyed }).map(({ userName, where, keyed: kv }) => {
  const base = oktaUser(typeof userName === 'string' ? userName : 'x');
  if (where === 'top') return { ...base, ...kv };
  if (where === 'name') return { ...base, name: { givenName: 'G', ...kv } };
  if (where === 'emails') return { ...base, emails: [{ value: 'e@example.com', ...kv }] };
  return { ...base, [where === 'enterprise' ? ENTERPRISE : CUSTOM]: kv };
});
const groupBody = fc.record({ displayName: hostileString, keyed, members: fc.oneof(fc.constant([]), fc.constant(undefined), hostileValue) }).map(({ displayName, keyed: kv, members }) => ({
  schemas: [GROUP, CUSTOM_GROUP],
  displayName,
  ...kv,
  [CUSTOM_GROUP]: kv,
  ...(members === undefined ? {} : { members }),
}));
const path = fc.oneof(
  hostileString,
  hostileString.map((k) => `${ENTERPRISE}:${k}`),
  hostileString.map((k) => `${CUSTOM}:${k}`),
  hostileString.map((k) => `name.${k}`),
  fc.tuple(hostileString, hostileString).map(([k, v]) => `emails[type eq ${JSON.stringify(v)}].${k}`),
  fc.constantFrom('displayName', 'userName', 'members', 'emails[type eq "work"].primary'),
);
const operation = fc.oneof(
  fc.record({ op: fc.constantFrom('add', 'Replace', 'remove'), path, value: hostileValue }),
  fc.record({ op: fc.constantFrom('add', 'replace'), value: keyed }),
);
const patchBody = fc.array(operation, { minLength: 1, maxLength: 3 }).map((Operations) => ({ schemas: [PATCH_OP], Operations }));

const scimRequest = fc.oneof(
  userBody.map((b) => ({ method: 'POST', path: '/Users', body: b })),
  userBody.map((b) => ({ method: 'PUT', path: `/Users/${userId}`, body: b })),
  patchBody.map((b) => ({ method: 'PATCH', path: `/Users/${userId}`, body: b })),
  groupBody.map((b) => ({ method: 'POST', path: '/Groups', body: b })),
  groupBody.map((b) => ({ method: 'PUT', path: `/Groups/${groupId}`, body: b })),
  patchBody.map((b) => ({ method: 'PATCH', path: `/Groups/${groupId}`, body: b })),
);

// A lone surrogate cannot be URL-encoded, so no client can send it in a path.
const segment = hostileString.filter((s) => !/\p{Cs}/u.test(s));
const valuesBody = fc.oneof(fc.array(hostileValue, { maxLength: 3 }).map((values) => ({ values })), hostileValue);

/** A set attribute is in the answer's `manual` values exactly as sent (no values: removed), never dropped. */
const setAs = (key: string, body: unknown) => (answer: Record<string, any>) => { // any: JSON under test
  const manual = answer.sources.manual as Record<string, string[]>;
  const values = [...new Set((body as { values: string[] }).values)];
  expect(Object.hasOwn(manual, key) ? manual[key] : []).toEqual(values);
};
const adminRequest = fc.oneof(
  fc.tuple(segment, valuesBody).map(([key, body]) => ({ method: 'PUT', path: `/v1/users/okta/target%40example.com/attributes/${encodeURIComponent(key)}`, body, accepted: setAs(key, body) })),
  segment.map((key) => ({ method: 'DELETE', path: `/v1/users/okta/target%40example.com/attributes/${encodeURIComponent(key)}` })),
  fc.tuple(segment, segment, valuesBody).map(([name, key, body]) => ({ method: 'PUT', path: `/v1/groups/okta/${encodeURIComponent(name)}/attributes/${encodeURIComponent(key)}`, body, accepted: setAs(key, body) })),
  segment.map((name) => ({
    method: 'POST',
    path: `/v1/groups/okta/${encodeURIComponent(name)}/members`,
    body: { userid: 'target@example.com' },
    accepted: (answer: Record<string, any>) => expect(Object.hasOwn(answer.memberships, name) && answer.memberships[name]).toContain('manual'), // any: JSON under test
  })),
  fc.tuple(hostileValue, hostileValue).map(([userid, displayName]) => ({ method: 'POST', path: '/v1/users', body: { iamid: 'okta', userid, displayName } })),
);

const externalAnswer = fc.oneof(
  fc.record({ groups: fc.array(hostileValue.map((name) => ({ name })), { maxLength: 3 }), authorizations: fc.tuple(hostileString, fc.array(hostileValue, { maxLength: 3 })).map(([k, v]) => entry(k, v)) }),
  fc.record({ groups: hostileValue, authorizations: hostileValue }),
  hostileValue,
);

async function adminCall(req: { method: string; path: string; body?: unknown }): Promise<{ status: number; body: Record<string, any> }> { // any: JSON under test
  const res = await admin.request(req.path, {
    method: req.method,
    headers: { ...bearer(ADMIN_KEY), ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {} };
}

const printable = (s: unknown, max: number): boolean => typeof s === 'string' && s.length >= 1 && s.length <= max && !/[\u0000-\u001f]/.test(s);

/** An answer the contract accepts: Immuta's body within Warden's bounds, no reserved key. */
function acceptable(answer: unknown): boolean {
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) return false;
  const { groups = [], authorizations = {} } = answer as { groups?: unknown; authorizations?: unknown };
  const groupsOk = Array.isArray(groups) && groups.length <= 1000 && groups.every((g) => typeof g === 'object' && g !== null && printable((g as { name?: unknown }).name, 256));
  if (!groupsOk || typeof authorizations !== 'object' || authorizations === null || Array.isArray(authorizations)) return false;
  const entries = Object.entries(authorizations);
  return entries.length <= 1000 && entries.every(([k, v]) => printable(k, 256) && k !== '__proto__' && Array.isArray(v) && v.length <= 1000 && v.every((x) => typeof x === 'string' && x.length <= 1024));
}

/** The stored state, without the bookkeeping of when the external source was last asked. */
async function state(): Promise<string> {
  const items = JSON.parse(await identitiesSnapshot(services)) as string[];
  return JSON.stringify(items.filter((i) => !i.includes('"EXTERNAL#STATE"')));
}

/** Checks `numRuns` generated inputs, each with the state it found. */
const everyInput = <T>(inputs: fc.Arbitrary<T>, numRuns: number, check: (input: T, before: string) => Promise<void>): Promise<void> =>
  fc.assert(fc.asyncProperty(inputs, async (input) => check(input, await state())), { numRuns });

describe('hostile keys and values', () => {
  it('through SCIM: never a 5xx, a refusal writes nothing, an accepted resource reads back', () =>
    everyInput(scimRequest, 250, async (req, before) => {
      const res = await call(req.method, req.path, req.body);
      expect(res.status).toBeLessThan(500);
      if (res.status >= 400) {
        expect(res.body.status).toBe(String(res.status));
        expect(await state()).toBe(before);
        return;
      }
      const kind = req.path.startsWith('/Users') ? 'Users' : 'Groups';
      const id = (res.body.id as string | undefined) ?? req.path.split('/')[2];
      expect((await call('GET', `/${kind}/${id}`)).status).toBe(200);
      if (kind === 'Users') {
        const userName = (await call('GET', `/Users/${id}`)).body.userName as string;
        const listed = await call('GET', `/Users?filter=${encodeURIComponent(`userName eq ${JSON.stringify(userName)}`)}`);
        expect(listed.body.totalResults).toBe(1);
      }
      if (req.method === 'POST') expect((await call('DELETE', `/${kind}/${id}`)).status).toBe(204);
    }), 300_000);

  it('through the admin API: never a 5xx, a refusal writes nothing, an accepted key is kept as sent', () =>
    everyInput(adminRequest, 200, async (req, before) => {
      const res = await adminCall(req);
      expect(res.status).toBeLessThan(500);
      if (res.status >= 400) {
        expect(res.body.status).toBe(res.status);
        expect(await state()).toBe(before);
      } else if ('accepted' in req) req.accepted(res.body);
      expect((await adminCall({ method: 'GET', path: '/v1/users/okta/target%40example.com' })).status).toBe(200);
    }), 300_000);

  it('through an external answer: a valid one is stored exactly, any other fails the refresh and changes nothing', () =>
    everyInput(externalAnswer, 120, async (answer, before) => {
      source.answers.set('ext@example.com', { raw: JSON.stringify(answer) });
      const outcome = await refreshExternal(services, 'hr', 'ext@example.com');
      const view = await loadUserView(services.users, services.groups, 'hr', 'ext@example.com');
      expect(view).toBeDefined();
      expect(outcome === 'failed').toBe(!acceptable(answer));
      if (outcome === 'failed') {
        expect(await state()).toBe(before);
        return;
      }
      // Immuta's body: both keys may be left out.
      const sent = answer as { groups?: Array<{ name: string }>; authorizations?: Record<string, string[]> };
      const expected = Object.entries(sent.authorizations ?? {}).filter(([, v]) => v.length > 0);
      expect(Object.entries(view!.user.attributes.external ?? {}).sort()).toEqual(expected.map(([k, v]) => [k, [...new Set(v)]]).sort());
      const external = view!.groups.filter((g) => view!.user.memberships.get(g.profile.id)?.has('external'));
      expect(new Set(external.map((g) => g.profile.displayName.toLowerCase()))).toEqual(new Set((sent.groups ?? []).map((g) => g.name.toLowerCase())));
    }), 300_000);
});
