import { beforeAll, describe, expect, it } from 'vitest';
import { createFunctionApps, createLocalServer } from '#local/compose.ts';
import type { DecidingServices } from '#shared/services.ts';
import { VERSION } from '#shared/config.ts';
import { ADMIN_KEY, bearer, json, localServices } from '../../support/services.ts';

let s: DecidingServices;
let server: ReturnType<typeof createLocalServer>;
const keys: Record<string, string> = {};

interface AuditPage {
  records: Array<{ action: string; actor: Record<string, unknown>; userId: string; requestId?: string; clientRequestId?: string; targets: string[] }>;
}

async function newKey(name: string, principal: unknown, permissions: string[] = []): Promise<string> {
  const res = await server.request('/v1/api-keys', json('POST', { principal, name, permissions }, bearer(ADMIN_KEY)));
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { apiKey: string }).apiKey;
}

async function audit(query: string): Promise<AuditPage['records']> {
  const res = await server.request(`/v1/audit?${query}`, { headers: bearer(ADMIN_KEY) });
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as AuditPage).records;
}

/** A request the caller may not make (403, audited with who made it). */
const refused = (key: string, headers: Record<string, string> = {}) => server.request('/v1/settings/impersonation', { headers: { ...bearer(key), ...headers } });

beforeAll(async () => {
  ({ services: s } = await localServices());
  server = createLocalServer(createFunctionApps(s), VERSION);
  await s.users.create({ iamid: 'okta', userid: 'dup', displayName: 'Dup in Okta' });
  await s.users.create({ iamid: 'bim', userid: 'dup', displayName: 'Dup built-in' });
  keys.oktaDup = await newKey('okta-dup', { type: 'user', iamid: 'okta', id: 'dup' });
  keys.bimDup = await newKey('bim-dup', { type: 'user', iamid: 'bim', id: 'dup' });
  keys.serviceDup = await newKey('service-dup', { type: 'service', id: 'dup' });
  keys.serviceAdmin = await newKey('admin', { type: 'service', id: 'admin' }, ['USER_ADMIN']);
  for (const key of [keys.oktaDup!, keys.bimDup!, keys.serviceDup!]) expect((await refused(key)).status).toBe(403);
});

describe('audit attribution', () => {
  it('names users as iamid/userid and services as service:id', async () => {
    const records = (await audit('userid=dup&action=AUTHORIZE')).filter((r) => r.targets[0] === 'GET /v1/settings/impersonation');
    expect(records.map((r) => r.userId).sort()).toEqual(['bim/dup', 'okta/dup', 'service:dup']);
    expect(records.map((r) => r.actor)).toContainEqual({ type: 'user', iamid: 'okta', id: 'dup' });
  });

  it('matches a bare userid in every IAM and the service of that id, and narrows to one IAM with iamid', async () => {
    const narrowed = await audit('userid=dup&iamid=okta');
    expect(narrowed.length).toBeGreaterThan(0);
    expect(new Set(narrowed.map((r) => r.userId))).toEqual(new Set(['okta/dup']));
    expect(new Set((await audit('userid=dup&iamid=bim&action=AUTHORIZE')).map((r) => r.userId))).toEqual(new Set(['bim/dup']));
    expect(await audit('userid=dup&iamid=entra')).toEqual([]);
    const res = await server.request('/v1/audit?iamid=okta', { headers: bearer(ADMIN_KEY) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { detail: string }).detail).toContain('`iamid`');
  });

  it('tells the bootstrap admin from a service key named admin', async () => {
    for (const [key, userid] of [
      [ADMIN_KEY, 'by-bootstrap'],
      [keys.serviceAdmin!, 'by-service'],
    ] as const) {
      expect((await server.request('/v1/users', json('POST', { userid, displayName: userid }, bearer(key)))).status).toBe(201);
    }
    const created = (await audit('userid=admin&action=CREATE')).filter((r) => r.targets.some((t) => t.startsWith('by-')));
    const by = Object.fromEntries(created.map((r) => [r.targets.find((t) => t.startsWith('by-')), { actor: r.actor, userId: r.userId }]));
    expect(by).toEqual({
      'by-bootstrap': { actor: { type: 'bootstrap', id: 'admin' }, userId: 'bootstrap:admin' },
      'by-service': { actor: { type: 'service', id: 'admin' }, userId: 'service:admin' },
    });
  });

  it("answers and audits its own request id, keeping the client's x-request-id apart", async () => {
    const res = await refused(keys.serviceDup!, { 'x-request-id': 'client-chosen-42' });
    const ours = res.headers.get('x-request-id');
    expect(ours).toMatch(/^[0-9a-f-]{36}$/);
    const record = (await audit('userid=dup&action=AUTHORIZE')).find((r) => r.requestId === ours);
    expect(record).toMatchObject({ userId: 'service:dup', clientRequestId: 'client-chosen-42' });
    const other = await refused(keys.serviceDup!, { 'x-request-id': ours! });
    expect(other.headers.get('x-request-id')).not.toBe(ours);
  });

  it('records a client request id bounded to 128 printable characters, and not at all otherwise', async () => {
    const long = await refused(keys.serviceDup!, { 'x-request-id': 'x'.repeat(500) });
    const unprintable = await refused(keys.serviceDup!, { 'x-request-id': 'caf\u00e9' });
    const records = await audit('userid=dup&action=AUTHORIZE');
    expect(records.find((r) => r.requestId === long.headers.get('x-request-id'))?.clientRequestId).toBe('x'.repeat(128));
    const plain = records.find((r) => r.requestId === unprintable.headers.get('x-request-id'));
    expect(plain).toBeDefined();
    expect(plain).not.toHaveProperty('clientRequestId');
  });
});
