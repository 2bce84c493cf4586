import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '#shared/services.ts';
import { identitiesSnapshot } from '../../support/snapshot.ts';
import { ENTERPRISE, oktaUser, scimSetup, type Caller } from './client.ts';

let services: Services;
let call: Caller;
let userId: string;
let groupId: string;
beforeAll(async () => {
  ({ services, call } = await scimSetup());
  userId = (await call('POST', '/Users', oktaUser('fuzz@example.com', { [ENTERPRISE]: { department: 'Ops' } }))).body.id;
  groupId = (await call('POST', '/Groups', { displayName: 'Fuzz', members: [{ value: userId }] })).body.id;
});

const snapshot = () => identitiesSnapshot(services);

const FILTER_TOKENS = ['userName', 'displayName', 'emails', 'members', 'meta.created', `${ENTERPRISE}:department`, 'eq', 'ne', 'co', 'sw', 'gt', 'pr', 'and', 'or', 'not', '(', ')', '[', ']', '.value', '"x"', '"fuzz@example.com"', '1e999', 'true', 'null', '"\\u00zz"', '"unterminated'];
const filterArb = fc.oneof(fc.string({ maxLength: 60 }), fc.array(fc.constantFrom(...FILTER_TOKENS), { maxLength: 12 }).map((t) => t.join(' ')));
const pathArb = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('members', 'members[value eq "ghost"]', 'userName', 'active', 'id', 'meta', 'emails[type eq "work"].value', `${ENTERPRISE}:manager`, 'name.givenName', 'urn:bad', 'members[', 'emails[type zz 1]'));
const valueArb = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constant([{ value: 'ghost' }]), fc.constant('False'), fc.constant(1e300), fc.constant({ 'name.givenName': 'x', [`${ENTERPRISE}:department`]: [[]] }));
const patchArb = fc.record(
  { schemas: fc.jsonValue({ maxDepth: 1 }), Operations: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.array(fc.record({ op: fc.oneof(fc.constantFrom('add', 'Replace', 'REMOVE', 'move'), fc.string()), path: pathArb, value: valueArb }, { requiredKeys: ['op'] }), { maxLength: 4 })) },
  { requiredKeys: ['Operations'] },
);
const resourceArb = fc.record(
  { userName: fc.oneof(fc.jsonValue({ maxDepth: 1 }), fc.constant('fuzz@example.com'), fc.constant('')), displayName: valueArb, active: valueArb, emails: valueArb, externalId: valueArb, members: valueArb, [ENTERPRISE]: valueArb, schemas: valueArb },
  { requiredKeys: [] },
);
/** Bodies that are wrong for the endpoint: text, JSON of the wrong shape, near-valid resources. */
const bodyArb = fc.oneof(fc.string({ maxLength: 40 }), fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)), patchArb.map((v) => JSON.stringify(v)), resourceArb.map((v) => JSON.stringify(v)));

const requestArb = fc.oneof(
  filterArb.map((f) => ({ method: 'GET', path: () => `/Users?filter=${encodeURIComponent(f)}` })),
  filterArb.map((f) => ({ method: 'GET', path: () => `/Groups?filter=${encodeURIComponent(f)}&count=${f.length}` })),
  fc.tuple(fc.constantFrom('POST /Users', 'PUT /Users/:u', 'PATCH /Users/:u', 'POST /Groups', 'PUT /Groups/:g', 'PATCH /Groups/:g'), bodyArb).map(([route, body]) => {
    const [method, template] = route.split(' ') as [string, string];
    return { method, path: () => template.replace(':u', userId).replace(':g', groupId), body };
  }),
);

describe('malformed input', () => {
  it('never yields a 5xx, and a rejected request never changes stored state', async () => {
    await fc.assert(
      fc.asyncProperty(requestArb, async (req) => {
        const before = await snapshot();
        const res = await call(req.method, req.path(), 'body' in req ? req.body : undefined);
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) {
          expect(res.body.status).toBe(String(res.status));
          expect(await snapshot()).toBe(before);
        }
      }),
      { numRuns: 300 },
    );
  }, 240_000);
});
