import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPolicyApp } from '#functions/policy/app.ts';
import type { DecidingServices } from '#shared/services.ts';
import { ADMIN_KEY, bearer, json, testServices } from '../../support/services.ts';
import { keyFor } from '../../support/policy.ts';

let s: DecidingServices;
let app: ReturnType<typeof createPolicyApp>;
const admin = bearer(ADMIN_KEY);
const source = { name: 'S', platform: 'postgres', database: 'd', schema: 's', table: 't' };

const problem = async (res: Response) => ({ status: res.status, detail: ((await res.json()) as { detail: string }).detail });

beforeAll(async () => {
  s = await testServices();
  app = createPolicyApp(s);
  for (const userid of ['ann', 'stranger']) await s.users.create({ iamid: 'bim', userid, displayName: userid });
});

describe('the declared routes of the policy function', () => {
  it('name a malformed path parameter, and store nothing', async () => {
    expect(await problem(await app.request('/v1/data-sources/a%23b', json('PUT', source, admin)))).toEqual({
      status: 400,
      detail: 'invalid path parameter `id`: must be printable and must not contain `#`',
    });
    expect(await problem(await app.request('/v1/domains/a%23b', json('PUT', { name: 'D' }, admin)))).toMatchObject({ status: 400, detail: expect.stringMatching(/^invalid path parameter `id`: /) });
    const policy = { type: 'subscription', actions: { type: 'anyone' } };
    expect(await problem(await app.request('/v1/policies/-x', json('PUT', policy, admin)))).toEqual({
      status: 400,
      detail: 'invalid path parameter `policyKey`: letters, digits, `.`, `_` and `-` only',
    });
    expect(((await (await app.request('/v1/data-sources', { headers: admin })).json()) as { dataSources: unknown[] }).dataSources).toEqual([]);
    expect(((await (await app.request('/v1/policies', { headers: admin })).json()) as { policies: unknown[] }).policies).toEqual([]);
  });

  it('answer an access request id that cannot exist as unknown, as before', async () => {
    expect(await problem(await app.request('/v1/access-requests/a%23b', { headers: admin }))).toEqual({ status: 404, detail: 'access request `a#b` not found' });
  });

  it('refuse a question about another user in the words of the decision rule', async () => {
    const ann = bearer(await keyFor(s, { type: 'user', iamid: 'bim', id: 'ann' }));
    expect(await problem(await app.request('/v1/decisions', json('POST', { user: { userid: 'bob' }, dataSource: 'x' }, ann)))).toEqual({
      status: 403,
      detail: 'asking about another user requires permission `QUERY_ENGINE` or `GOVERNANCE`',
    });
    // Naming oneself, with or without the default IAM, is asking about oneself: the source is what is missing.
    for (const user of [{ userid: 'ann' }, { userid: 'ann', iamid: 'bim' }]) {
      expect((await app.request('/v1/decisions/batch', json('POST', { user, dataSources: ['x'] }, ann))).status).toBe(404);
    }
  });

  it('refuse a non-owner in the words of the owner rule', async () => {
    await app.request('/v1/data-sources/owned', json('PUT', { ...source, owners: ['ann'] }, admin));
    const ann = bearer(await keyFor(s, { type: 'user', iamid: 'bim', id: 'ann' }));
    expect((await app.request('/v1/access-requests?dataSource=owned', { headers: ann })).status).toBe(200);
    const stranger = bearer(await keyFor(s, { type: 'user', iamid: 'bim', id: 'stranger' }));
    expect(await problem(await app.request('/v1/access-requests?dataSource=owned', { headers: stranger }))).toEqual({
      status: 403,
      detail: 'only an owner of the data source or `GOVERNANCE` may list its requests',
    });
  });

  it('never answer 5xx to any path parameter', async () => {
    const paths = ['/v1/data-sources/', '/v1/domains/', '/v1/policies/', '/v1/access-requests/'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), fc.string({ minLength: 1, maxLength: 300 }), async (base, raw) => {
        const res = await app.request(`${base}${encodeURIComponent(raw)}`, { headers: admin });
        expect([200, 400, 404]).toContain(res.status);
      }),
      { numRuns: 80 },
    );
  });
});
