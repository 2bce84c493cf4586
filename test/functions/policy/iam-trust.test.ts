import type { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPolicyApp } from '#functions/policy/app.ts';
import { DecisionService } from '#shared/decision-service/index.ts';
import { createFunctionApps, createLocalServer } from '#local/compose.ts';
import type { ColumnDecision, Decision } from '#shared/model/decision.ts';
import { VERSION } from '#shared/config.ts';
import type { DecidingServices } from '#shared/services.ts';
import { readSnapshotVersion } from '#shared/store/snapshot-changes.ts';
import { auditRecords, bearer, json, localServices } from '../../support/services.ts';
import { keyFor, pause } from '../../support/policy.ts';

const TTL = 50;
let s: DecidingServices;
let api: Hono;
let admin: Record<string, string>;
let partnerScim: string;
let decisions: DecisionService;

const SCIM_JSON = 'application/scim+json';
const scim = (method: string, path: string, body: unknown) =>
  api.request(`/scim/v2${path}`, { method, headers: { authorization: `Bearer ${partnerScim}`, 'content-type': SCIM_JSON }, body: JSON.stringify(body) });

async function decision(iamid: string, userid: string, dataSource: string): Promise<Decision> {
  const res = await api.request('/v1/decisions', json('POST', { user: { iamid, userid }, dataSource }, admin));
  expect(res.status).toBe(200);
  return (await res.json()) as Decision;
}

const ssnOf = async (iamid: string, userid: string): Promise<ColumnDecision> =>
  (await decision(iamid, userid, 'staff_directory')).columns.find((c) => c.name === 'ssn')!;

/**
 * A trust change is compiled by a full rebuild that runs beside the decisions (which keep the
 * previous snapshot meanwhile): wait until this instance's snapshot is at the stored version.
 */
async function caughtUp(): Promise<void> {
  const stored = await readSnapshotVersion(s.db);
  for (let i = 0; i < 100 && (await decisions.snapshot()).version !== stored; i++) await pause(TTL);
}

async function trust(iamid: string, trustedForPolicies: unknown): Promise<Response> {
  const res = await api.request(`/v1/iams/${iamid}`, json('PUT', { trustedForPolicies }, admin));
  await pause(TTL * 3);
  await caughtUp();
  return res;
}

beforeAll(async () => {
  const local = await localServices(true);
  s = local.services;
  admin = bearer(local.adminKey);
  // The whole API as `npm start` routes it, with decisions refreshed quickly.
  decisions = new DecisionService(s, { refreshMs: TTL, userCacheMs: TTL });
  api = createLocalServer({ ...createFunctionApps(s), policy: createPolicyApp(s, decisions) }, VERSION);

  // A second IdP gets a SCIM token and pushes mallory into groups it names HR and Legal.
  const created = await api.request('/v1/iams', json('POST', { id: 'partner', name: 'Partner', scim: true }, admin));
  expect(created.status).toBe(201);
  partnerScim = ((await created.json()) as { scimToken: string }).scimToken;
  const user = await scim('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'mallory', active: true });
  expect(user.status).toBe(201);
  const id = ((await user.json()) as { id: string }).id;
  for (const displayName of ['HR', 'Legal']) {
    const group = await scim('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName, members: [{ value: id }] });
    expect(group.status).toBe(201);
  }
  // Anyone may query it (seed policy `internal-anyone`); `mask-pii` hashes its SSN except for HR.
  const columns = [{ name: 'name', type: 'varchar' }, { name: 'ssn', type: 'varchar', tags: ['Discovered.SSN'] }];
  const put = await api.request('/v1/data-sources/staff_directory', json('PUT', { name: 'Staff', platform: 'postgres', database: 'w', schema: 'hr', table: 'staff', tags: ['Internal'], columns }, admin));
  expect(put.status).toBe(201);
  await pause(TTL * 3);
});

describe('a second IdP pushing its users into groups named HR and Legal (issue reproduction)', () => {
  it('shows which IAMs are trusted: the default, the demo okta, and not the new one', async () => {
    for (const [iamid, trusted] of [['bim', true], ['okta', true], ['partner', false]] as const) {
      const res = await api.request(`/v1/iams/${iamid}`, { headers: admin });
      expect(await res.json()).toMatchObject({ id: iamid, trustedForPolicies: trusted });
    }
  });

  it('gives mallory neither the HR mask exception nor Legal access, and says why', async () => {
    expect(await ssnOf('partner', 'mallory')).toMatchObject({ action: 'mask', masking: { type: 'hash' }, policyKey: 'mask-pii' });
    expect(await ssnOf('okta', 'jdoe')).toMatchObject({ action: 'clear', explanation: 'excepted from `mask-pii`: member of okta/HR' });
    const hr = await decision('partner', 'mallory', 'hr_data');
    expect(hr.access).toBe('denied');
    expect(hr.subscription.find((v) => v.policyKey === 'legal-team')).toMatchObject({ satisfied: false, explanation: 'iam `partner` is not trusted by this policy' });
    expect((await decision('okta', 'bob', 'hr_data')).subscription.find((v) => v.policyKey === 'legal-team')).toMatchObject({ satisfied: true, explanation: 'member of okta/Legal' });
  });

  it('believes the IdP once an admin marks it trusted, and stops when unmarked', async () => {
    const marked = await trust('partner', true);
    expect(marked.status).toBe(200);
    expect(await marked.json()).toMatchObject({ id: 'partner', trustedForPolicies: true });
    expect(await ssnOf('partner', 'mallory')).toMatchObject({ action: 'clear', explanation: 'excepted from `mask-pii`: member of partner/HR' });
    expect((await decision('partner', 'mallory', 'hr_data')).subscription.find((v) => v.policyKey === 'legal-team')).toMatchObject({ satisfied: true });
    const audit = (await auditRecords(s)).filter((r) => r.targetType === 'iam' && (r.targets as string[])[0] === 'partner' && r.action === 'UPDATE');
    expect(audit.at(-1)?.payload).toMatchObject({ iamid: 'partner', trustedForPolicies: true });

    expect((await trust('partner', false)).status).toBe(200);
    expect(await ssnOf('partner', 'mallory')).toMatchObject({ action: 'mask' });
  });

  it('lets a policy trust an IAM the deployment does not, through `trustedIams`', async () => {
    const mask = { type: 'data', trustedIams: ['partner'], circumstances: [{ type: 'dataSources', ids: ['staff_directory'] }], rules: [{ type: 'masking', fields: [{ type: 'columnNames', names: ['name'] }], masking: { type: 'null' }, exceptions: { groups: ['Legal'] } }] };
    expect((await api.request('/v1/policies/partner-names', json('PUT', mask, admin))).status).toBe(201);
    await pause(TTL * 3);
    const columns = (await decision('partner', 'mallory', 'staff_directory')).columns;
    expect(columns.find((c) => c.name === 'name')).toMatchObject({ action: 'clear', explanation: 'excepted from `partner-names`: member of partner/Legal' });
    expect(columns.find((c) => c.name === 'ssn')).toMatchObject({ action: 'mask' });
    expect((await decision('okta', 'bob', 'staff_directory')).columns.find((c) => c.name === 'name')).toMatchObject({ action: 'mask' });
  });

  it('takes the mark from USER_ADMIN only, as a boolean, and changes nothing otherwise', async () => {
    expect((await trust('partner', 'yes')).status).toBe(400);
    expect((await trust('nobody', true)).status).toBe(404);
    const governor = bearer(await keyFor(s, { type: 'service', id: 'steward' }, ['GOVERNANCE']));
    expect((await api.request('/v1/iams/partner', json('PUT', { trustedForPolicies: true }, governor))).status).toBe(403);
    expect(await (await api.request('/v1/iams/partner', { headers: admin })).json()).toMatchObject({ trustedForPolicies: false });
    const bad = await api.request('/v1/policies/bad-trust', json('PUT', { type: 'subscription', trustedIams: ['not an iam'], actions: { type: 'anyone' } }, admin));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { detail: string }).detail).toContain('`trustedIams[0]`');
  });
});
