import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Services } from '#shared/services.ts';
import { auditRecords } from '../../../support/services.ts';
import { expectScimError, GROUP, oktaUser, PATCH_OP, scimSetup, type Caller } from '../client.ts';

let services: Services;
let call: Caller;
beforeAll(async () => {
  ({ services, call } = await scimSetup());
});

describe('SCIM groups', () => {
  it('keeps all 50 members added by 50 concurrent PATCHes', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 50; i += 10) {
      const batch = await Promise.all(Array.from({ length: 10 }, (_, j) => call('POST', '/Users', oktaUser(`member.${i + j}@example.com`))));
      ids.push(...batch.map((r) => r.body.id as string));
    }
    const gid = (await call('POST', '/Groups', { schemas: [GROUP], displayName: 'Crowd' })).body.id;
    const replies = await Promise.all(
      ids.map((id) => call('PATCH', `/Groups/${gid}`, { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: id }] }] })),
    );
    expect(replies.map((r) => r.status)).toEqual(ids.map(() => 204));
    const members = (await call('GET', `/Groups/${gid}`)).body.members.map((m: { value: string }) => m.value);
    expect(members.sort()).toEqual([...ids].sort());
    const audits = (await auditRecords(services)).filter((r) => r.targetType === 'group' && (r.targets as string[])[0] === gid && r.action === 'UPDATE');
    expect(audits).toHaveLength(50);
  });

  it('never reads the member list when members are excluded', async () => {
    const gid = (await call('GET', `/Groups?filter=${encodeURIComponent('displayName eq "Crowd"')}&excludedAttributes=members`)).body.Resources[0].id;
    const spy = vi.spyOn(services.groups, 'listMembers');
    try {
      const one = await call('GET', `/Groups/${gid}?excludedAttributes=members`);
      const list = await call('GET', '/Groups?excludedAttributes=members');
      const patched = await call('PATCH', `/Groups/${gid}`, { Operations: [{ op: 'replace', path: 'displayName', value: 'Crowd 2' }] });
      expect([one.status, list.status, patched.status]).toEqual([200, 200, 204]);
      expect(one.body.members).toBeUndefined();
      expect(spy).not.toHaveBeenCalled();
      expect((await call('GET', `/Groups/${gid}?attributes=members`)).body.members).toHaveLength(50);
      expect(spy).toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  it('replaces the whole member list with a PUT, and keeps it when a PUT has no members', async () => {
    const a = (await call('POST', '/Users', oktaUser('put.a@example.com'))).body.id;
    const b = (await call('POST', '/Users', oktaUser('put.b@example.com'))).body.id;
    const g = (await call('POST', '/Groups', { displayName: 'Put Group', members: [{ value: a }] })).body;
    const replaced = await call('PUT', `/Groups/${g.id}`, { displayName: 'Put Group', externalId: 'pg', members: [{ value: b }] });
    expect(replaced.status).toBe(200);
    expect(replaced.body.members.map((m: { value: string }) => m.value)).toEqual([b]);
    expect(replaced.body.externalId).toBe('pg');
    const kept = await call('PUT', `/Groups/${g.id}`, { displayName: 'Put Group Renamed' });
    expect(kept.body.members.map((m: { value: string }) => m.value)).toEqual([b]);
    expect(kept.body.externalId).toBeUndefined();
    expectScimError(await call('PUT', `/Groups/${g.id}`, { displayName: 'Crowd 2' }), 409, 'uniqueness');
    expectScimError(await call('PUT', `/Groups/${g.id}`, { displayName: 'x' }, { 'if-match': 'W/"1"' }), 412);
  });

  it('removes a deleted user from its groups', async () => {
    const u = (await call('POST', '/Users', oktaUser('leaver@example.com'))).body.id;
    const g = (await call('POST', '/Groups', { displayName: 'Leavers', members: [{ value: u }] })).body.id;
    expect((await call('DELETE', `/Users/${u}`)).status).toBe(204);
    expect((await call('GET', `/Groups/${g}`)).body.members).toBeUndefined();
  });
});
