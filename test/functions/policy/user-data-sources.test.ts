import { beforeAll, describe, expect, it } from 'vitest';
import { userDataSourceRoutes } from '#functions/userinfo/data-sources.ts';
import { DecisionService } from '#shared/decision-service/index.ts';
import { createBaseApp } from '#shared/http/app.ts';
import { authenticate } from '#shared/http/auth.ts';
import type { DecidingServices } from '#shared/services.ts';
import { auditRecords, bearer } from '../../support/services.ts';
import { keyFor, seededPolicyApp } from '../../support/policy.ts';

let s: DecidingServices;
let app: ReturnType<typeof createBaseApp>;
let admin: Record<string, string>;

const list = async (path: string, headers: Record<string, string>) => {
  const res = await app.request(`/v1/users/${path}/data-sources`, { headers });
  return { status: res.status, body: (await res.json()) as { dataSources: Array<{ id: string; name: string; access: string }> } };
};

beforeAll(async () => {
  const ctx = await seededPolicyApp();
  s = ctx.services;
  admin = bearer(ctx.adminKey);
  // Mounted as the userinfo function mounts it.
  app = createBaseApp('userinfo', s);
  app.use('/v1/*', authenticate(s));
  app.route('/v1/users', userDataSourceRoutes(s, new DecisionService(s, { refreshMs: 50 })));
});

describe('GET /v1/users/{iamid}/{userid}/data-sources', () => {
  it('lists every source the user may query, with one audit record', async () => {
    const auditBefore = (await auditRecords(s)).length;
    const jdoe = await list('okta/jdoe', admin);
    expect(jdoe.status).toBe(200);
    expect(jdoe.body.dataSources).toEqual([
      { id: 'hr_data', name: 'HR Data', access: 'granted' },
      { id: 'patients', name: 'Patients', access: 'granted' },
      { id: 'sales', name: 'Sales', access: 'granted' },
    ]);
    const records = (await auditRecords(s)).slice(auditBefore);
    expect(records.filter((r) => r.action === 'DECISION')).toHaveLength(1);
    expect((await list('okta/steve', admin)).body.dataSources.map((d) => d.id)).toEqual(['sales']);
  });

  it('lets a user list its own sources but not another user’s, and a query engine list anyone’s', async () => {
    const sam = bearer(await keyFor(s, { type: 'user', iamid: 'okta', id: 'smwilliams@example.com' }));
    expect((await list('okta/smwilliams@example.com', sam)).body.dataSources.map((d) => d.id)).toEqual(['sales']);
    expect((await list('okta/jdoe', sam)).status).toBe(403);
    const engine = bearer(await keyFor(s, { type: 'service', id: 'bi' }, ['QUERY_ENGINE']));
    expect((await list('okta/bob', engine)).status).toBe(200);
    expect((await list('okta/ghost', engine)).status).toBe(404);
  });

  it('says why it refuses another user, and which path parameter is malformed', async () => {
    const sam = bearer(await keyFor(s, { type: 'user', iamid: 'okta', id: 'smwilliams@example.com' }));
    const other = await app.request('/v1/users/okta/jdoe/data-sources', { headers: sam });
    expect([other.status, ((await other.json()) as { detail: string }).detail]).toEqual([403, "listing another user's data sources requires permission `QUERY_ENGINE` or `GOVERNANCE`"]);
    const malformed = await app.request('/v1/users/ok%23ta/jdoe/data-sources', { headers: admin });
    expect([malformed.status, ((await malformed.json()) as { detail: string }).detail]).toEqual([400, 'invalid path parameter `iamid`: letters, digits, `.`, `_` and `-` only']);
  });
});
