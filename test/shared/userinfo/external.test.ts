import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Services } from '#shared/services.ts';
import { loadUserView } from '#shared/store/subjects.ts';
import { fetchExternal } from '#shared/userinfo/fetch.ts';
import { refreshExternal } from '#shared/userinfo/refresh.ts';
import { startExternalSync, syncAll, syncIam } from '#shared/userinfo/sync.ts';
import { auditRecords, testServices } from '../../support/services.ts';
import { startSourceServer, type SourceServer } from './source-server.ts';

let s: Services;
let source: SourceServer;
let n = 0;
let iamid: string;

beforeAll(async () => {
  // The fake source listens on loopback, which only an allow-listed host may be.
  vi.stubEnv('WARDEN_EXTERNAL_SOURCE_ALLOWED_HOSTS', '127.0.0.1');
  s = await testServices();
  vi.unstubAllEnvs();
  source = await startSourceServer();
});
afterAll(() => source.close());

/** A fresh IAM with the fake source (TTL 300 s unless given) and one user. */
beforeEach(async () => {
  iamid = `hr${++n}`;
  source.answers.clear();
  source.requests.length = 0;
  source.streamed.length = 0;
  await s.iams.create({ id: iamid, name: 'HR', scim: { enabled: false }, externalSource: { uri: source.url, auth: { type: 'basic', username: 'warden', password: 's3cret' }, ttlSeconds: 300 } });
  await s.users.create({ iamid, userid: 'ana@example.com', displayName: 'Ana' });
});

async function view(userid = 'ana@example.com') {
  const v = await loadUserView(s.users, s.groups, iamid, userid);
  if (!v) throw new Error('no user');
  return v;
}

async function failures() {
  return (await auditRecords(s)).filter((r) => r.action === 'EXTERNAL_SOURCE' && r.actionStatus === 'FAILURE' && (r.payload as { iamid: string }).iamid === iamid);
}

const good = { groups: [{ name: 'Accountants' }], authorizations: { EMEA: ['Sales', 'Expenses'] } };

describe('external source of truth', () => {
  it('stores the answer as source `external`, asking with the userid and the configured Basic auth', async () => {
    source.answers.set('ana@example.com', { body: good });
    expect(await refreshExternal(s, iamid, 'ana@example.com')).toBe('updated');
    const v = await view();
    expect(v.user.attributes.external).toEqual({ EMEA: ['Sales', 'Expenses'] });
    expect(v.groups.map((g) => g.profile.displayName)).toEqual(['Accountants']);
    expect([...v.user.memberships.values()][0]).toEqual(new Set(['external']));
    const req = source.requests[0]!;
    expect(new URL(req.url, 'http://x').searchParams.get('userid')).toBe('ana@example.com');
    expect(req.headers.authorization).toBe(`Basic ${Buffer.from('warden:s3cret').toString('base64')}`);
  });

  it('answers from the cache within the TTL and asks again when forced', async () => {
    source.answers.set('ana@example.com', { body: good });
    await refreshExternal(s, iamid, 'ana@example.com');
    expect(await refreshExternal(s, iamid, 'ana@example.com')).toBe('cached');
    expect(source.requests).toHaveLength(1);
    expect(await refreshExternal(s, iamid, 'ana@example.com', { force: true })).toBe('unchanged');
    expect(source.requests).toHaveLength(2);
  });

  it('removes at the next sync a value, a key and a group the source no longer sends', async () => {
    source.answers.set('ana@example.com', { body: { groups: [{ name: 'Accountants' }, { name: 'Auditors' }], authorizations: { EMEA: ['Sales', 'Expenses'], Level: ['3'] } } });
    await syncIam(s, iamid);
    source.answers.set('ana@example.com', { body: { groups: [{ name: 'Auditors' }], authorizations: { EMEA: ['Sales'] } } });
    expect(await syncIam(s, iamid)).toEqual({ iamid, users: 1, updated: 1, unchanged: 0, failed: 0 });
    const v = await view();
    expect(v.merged).toEqual({ EMEA: ['Sales'] });
    expect(v.groups.map((g) => g.profile.displayName)).toEqual(['Auditors']);
  });

  it('keeps manual and SCIM values when the external ones change, and a manual membership of a group the source drops', async () => {
    const acc = await s.groups.getOrCreateByName(iamid, 'Accountants');
    await s.groups.addMembers(iamid, acc.id, ['ana@example.com'], 'manual');
    await s.users.setAttributes(iamid, 'ana@example.com', 'manual', { EMEA: ['Legal'] });
    await s.users.setAttributes(iamid, 'ana@example.com', 'scim', { Department: ['Finance'] });
    source.answers.set('ana@example.com', { body: good });
    await syncIam(s, iamid);
    source.answers.set('ana@example.com', { body: { groups: [], authorizations: {} } });
    await syncIam(s, iamid);
    const v = await view();
    expect(v.merged).toEqual({ Department: ['Finance'], EMEA: ['Legal'] });
    expect(v.groups.map((g) => g.profile.displayName)).toEqual(['Accountants']);
    expect(v.user.memberships.get(acc.id)).toEqual(new Set(['manual']));
  });

  it('keeps the last good values of a slow source, audits it, and gives up within the 2 s budget', async () => {
    source.answers.set('ana@example.com', { body: good });
    await refreshExternal(s, iamid, 'ana@example.com');
    source.answers.set('ana@example.com', { body: { groups: [], authorizations: { EMEA: ['Other'] } }, delayMs: 3000 });
    const started = performance.now();
    expect(await refreshExternal(s, iamid, 'ana@example.com', { force: true })).toBe('failed');
    expect(performance.now() - started).toBeLessThan(2500);
    expect((await view()).merged).toEqual({ EMEA: ['Expenses', 'Sales'] });
    expect((await failures())[0]?.payload).toMatchObject({ reason: 'no answer within 2000 ms' });
  });

  it.each([
    ['a 500', { status: 500, raw: 'boom' }, 'source answered status 500'],
    ['a 404 (no info)', { status: 404, raw: '' }, 'source answered status 404'],
    ['malformed JSON', { raw: '{"groups":[' }, 'answer is not JSON'],
    ['the wrong shape', { body: { groups: 'Accountants' } }, 'malformed answer: `groups`'],
  ])('keeps the last good values on %s and audits why', async (_name, answer, reason) => {
    source.answers.set('ana@example.com', { body: good });
    await refreshExternal(s, iamid, 'ana@example.com');
    source.answers.set('ana@example.com', answer);
    expect(await refreshExternal(s, iamid, 'ana@example.com', { force: true })).toBe('failed');
    const v = await view();
    expect(v.merged).toEqual({ EMEA: ['Expenses', 'Sales'] });
    expect(v.groups.map((g) => g.profile.displayName)).toEqual(['Accountants']);
    const [record] = await failures();
    expect(String((record?.payload as { reason: string }).reason)).toContain(reason);
    expect(record?.targets).toEqual(['ana@example.com']);
  });

  it('does not ask a failing source again on every request', async () => {
    source.answers.set('ana@example.com', { status: 503, raw: '' });
    expect(await refreshExternal(s, iamid, 'ana@example.com')).toBe('failed');
    expect(await refreshExternal(s, iamid, 'ana@example.com')).toBe('cached');
    expect(source.requests).toHaveLength(1);
    expect(await failures()).toHaveLength(1);
  });

  it('reports an unreachable source as a failure that names no address, port or system error', async () => {
    const iam = await s.iams.get(iamid);
    await s.iams.update(iam!, { externalSource: { uri: 'http://127.0.0.1:1/none', auth: { type: 'none' }, ttlSeconds: 0 } });
    expect(await refreshExternal(s, iamid, 'ana@example.com')).toBe('failed');
    const [record] = await failures();
    expect(record?.payload).toMatchObject({ reason: 'connection failed' });
    expect(JSON.stringify(record)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|:1\b/);
  });

  it.each([
    ['chunked', false],
    ['with a content-length', true],
  ])('stops reading a 150 MB answer (%s) at the 1 MiB cap', async (_name, declareLength) => {
    source.answers.set('ana@example.com', { streamBytes: 150 * 1024 * 1024, declareLength });
    expect(await refreshExternal(s, iamid, 'ana@example.com', { force: true })).toBe('failed');
    expect((await failures())[0]?.payload).toMatchObject({ reason: 'answer exceeds 1 MiB' });
    await expect.poll(() => source.streamed.length).toBe(1);
    // What was written before the connection closed: the cap plus socket buffers, never the whole.
    expect(source.streamed[0]).toBeLessThan(32 * 1024 * 1024);
  });

  it('audits a refresh that fails in the store, keeping the last good values', async () => {
    source.answers.set('ana@example.com', { body: good });
    await refreshExternal(s, iamid, 'ana@example.com');
    // Under the 1 MiB answer cap, yet larger than a DynamoDB item may be: the write fails.
    source.answers.set('ana@example.com', { body: { groups: [], authorizations: { Big: Array.from({ length: 900 }, (_, i) => `${i}`.padEnd(1000, 'x')) } } });
    expect(await refreshExternal(s, iamid, 'ana@example.com', { force: true })).toBe('failed');
    expect((await view()).merged).toEqual({ EMEA: ['Expenses', 'Sales'] });
    const [record] = await failures();
    expect(record).toMatchObject({ actionStatus: 'FAILURE', targets: ['ana@example.com'], payload: { reason: 'internal error' } });
  });

  it('does nothing for an IAM without a source', async () => {
    await s.iams.create({ id: `plain${n}`, name: 'Plain', scim: { enabled: false } });
    expect(await refreshExternal(s, `plain${n}`, 'ana@example.com')).toBe('no-source');
  });

  it('syncs every IAM with a source on the local timer until stopped', async () => {
    source.answers.set('ana@example.com', { body: good });
    const stop = startExternalSync(s, 50);
    try {
      await expect.poll(async () => (await view()).merged, { timeout: 5000, interval: 50 }).toEqual({ EMEA: ['Expenses', 'Sales'] });
    } finally {
      stop();
    }
    expect((await syncAll(s)).map((r) => r.iamid)).toContain(iamid);
  });
});

describe('external source targets', () => {
  const user = 'ana@example.com';
  const at = (uri: string) => ({ uri, auth: { type: 'basic' as const, username: 'warden', password: 's3cret' }, ttlSeconds: 0 });
  /** A resolver answering fixed addresses for every name, standing in for DNS. */
  const resolvesTo = (...addresses: string[]) => async () => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

  beforeEach(() => source.answers.set(user, { body: good }));

  it.each([
    ['http://169.254.169.254/latest/meta-data/', 'a link-local address'],
    ['http://[fd00:ec2::254]/', 'a unique-local address'],
    ['http://127.1/', 'a loopback address'],
    ['http://2130706433/', 'a loopback address'],
    ['http://[::ffff:169.254.169.254]/', 'a link-local address'],
    ['http://0.0.0.0:8080/', 'the unspecified address'],
    ['http://10.0.0.5:6379/', 'a private address'],
    ['http://100.100.100.200/', 'a carrier-grade NAT address'],
    ['http://localhost:8080/', 'a loopback name'],
  ])('refuses a stored source at %s before connecting', async (uri, why) => {
    expect(await fetchExternal(at(uri), user)).toEqual({ ok: false, reason: `refused target: ${why}` });
  });

  it('refuses a name that resolves to a refused address, without connecting', async () => {
    const uri = `http://source.test:${source.port}/groups`;
    expect(await fetchExternal(at(uri), user, { resolver: resolvesTo('127.0.0.1') })).toEqual({ ok: false, reason: 'refused target: a loopback address' });
    expect(await fetchExternal(at(uri), user, { resolver: resolvesTo('93.184.215.14', '10.0.0.5') })).toEqual({ ok: false, reason: 'refused target: a private address' });
    expect(source.requests).toHaveLength(0);
  });

  it('connects to exactly the address it checked, and to a listed host only on its port', async () => {
    const uri = `http://source.test:${source.port}/groups`;
    // `source.test` exists in no DNS: the request can only have gone where the lookup answered.
    const listed = { resolver: resolvesTo('127.0.0.1'), allowedHosts: [{ host: 'source.test', port: source.port }] };
    expect(await fetchExternal(at(uri), user, listed)).toMatchObject({ ok: true, info: good });
    expect(source.requests).toHaveLength(1);
    const otherPort = { ...listed, allowedHosts: [{ host: 'source.test', port: source.port + 1 }] };
    expect(await fetchExternal(at(uri), user, otherPort)).toEqual({ ok: false, reason: 'refused target: a loopback address' });
    expect(source.requests).toHaveLength(1);
  });

  it('audits a refused target at refresh time and asks nothing', async () => {
    const iam = await s.iams.get(iamid);
    // An IPv4-mapped spelling of the allowed 127.0.0.1 is not the allowed host.
    await s.iams.update(iam!, { externalSource: at(`http://[::ffff:127.0.0.1]:${source.port}/groups`) });
    expect(await refreshExternal(s, iamid, user)).toBe('failed');
    expect((await failures())[0]?.payload).toMatchObject({ reason: 'refused target: a loopback address' });
    expect(source.requests).toHaveLength(0);
  });
});
