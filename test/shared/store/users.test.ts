import { beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '#shared/services.ts';
import { ConflictError, NotFoundError, VersionMismatchError } from '#shared/store/errors.ts';
import { InvalidCursorError } from '#shared/store/cursor.ts';
import { purgeDeletedGroup } from '#shared/store/group-deletion.ts';
import { loadUserView } from '#shared/store/subjects.ts';
import { testServices } from '../../support/services.ts';

let s: Services;
beforeAll(async () => {
  s = await testServices();
});

describe('user repository', () => {
  it('lets exactly one of many concurrent creates of the same userName win', async () => {
    const attempts = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        s.users.create({ iamid: 'okta', userid: `racer-${i}`, displayName: 'R', userName: i % 2 ? 'Racer@Example.com' : 'racer@example.com' }),
      ),
    );
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    for (const a of attempts) if (a.status === 'rejected') expect(a.reason).toBeInstanceOf(ConflictError);
    expect(await s.users.useridByUserName('okta', 'RACER@example.com')).toMatch(/^racer-\d$/);
  });

  it('refuses a second user with the same (iamid, userid) but allows it in another iam', async () => {
    await s.users.create({ iamid: 'bim', userid: 'dup', displayName: 'A' });
    await expect(s.users.create({ iamid: 'bim', userid: 'dup', displayName: 'B' })).rejects.toBeInstanceOf(ConflictError);
    await expect(s.users.create({ iamid: 'okta', userid: 'dup', displayName: 'C' })).resolves.toMatchObject({ iamid: 'okta' });
  });

  it('rejects an update made from a stale version', async () => {
    const u = await s.users.create({ iamid: 'bim', userid: 'versioned', displayName: 'V1' });
    const v2 = await s.users.update(u, { displayName: 'V2' });
    expect(v2.version).toBe(2);
    await expect(s.users.update(u, { displayName: 'stale' })).rejects.toBeInstanceOf(VersionMismatchError);
    expect((await s.users.getProfile('bim', 'versioned'))?.displayName).toBe('V2');
  });

  it('lets only one of two concurrent updates from the same version through', async () => {
    const u = await s.users.create({ iamid: 'bim', userid: 'contended', displayName: 'start' });
    const results = await Promise.allSettled([s.users.update(u, { displayName: 'a' }), s.users.update(u, { displayName: 'b' })]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('pages through users with cursors, each user exactly once, in a stable order', async () => {
    for (let i = 0; i < 23; i++) await s.users.create({ iamid: 'paged', userid: `u${String(i).padStart(2, '0')}`, displayName: `U${i}` });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { users: Array<{ userid: string }>; cursor: string | null } = await s.users.list('paged', { limit: 5, cursor });
      seen.push(...page.users.map((u) => u.userid));
      cursor = page.cursor;
    } while (cursor);
    expect(seen).toHaveLength(23);
    expect(new Set(seen).size).toBe(23);
    expect(seen).toEqual([...seen].sort());
  });

  it('rejects a forged cursor', async () => {
    await expect(s.users.list('paged', { cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('keeps attribute values per source and merges them with group attributes', async () => {
    await s.users.create({ iamid: 'okta', userid: 'merged', displayName: 'M' });
    await s.users.setAttributes('okta', 'merged', 'scim', { Department: ['Sales'] });
    await s.users.setAttributes('okta', 'merged', 'manual', { Department: ['HR'], Country: ['US'] });
    const g = await s.groups.create({ iamid: 'okta', displayName: 'Execs' });
    await s.groups.setAttributes('okta', g.id, 'manual', { Clearance: ['High'] });
    await s.groups.addMembers('okta', g.id, ['merged'], 'scim');
    const view = await loadUserView(s.users, s.groups, 'okta', 'merged');
    expect(view?.merged).toEqual({ Clearance: ['High'], Country: ['US'], Department: ['HR', 'Sales'] });
    expect(view?.user.attributes.scim).toEqual({ Department: ['Sales'] });
    expect([...(view?.subject.groups ?? [])]).toEqual(['Execs']);
  });

  it('writes a source\'s attributes with the profile change, or neither', async () => {
    const u = await s.users.create({ iamid: 'okta', userid: 'atomic', displayName: 'A' }, undefined, { source: 'scim', values: { Department: ['Sales'] } });
    expect((await s.users.get('okta', 'atomic'))?.attributes.scim).toEqual({ Department: ['Sales'] });
    const v2 = await s.users.update(u, { displayName: 'B' }, undefined, { source: 'scim', values: { Division: ['EMEA'] }, before: { Department: ['Sales'] } });
    expect((await s.users.get('okta', 'atomic'))?.attributes.scim).toEqual({ Division: ['EMEA'] });
    await expect(
      s.users.update(u, { displayName: 'stale' }, undefined, { source: 'scim', values: { Division: ['APAC'] }, before: { Division: ['EMEA'] } }),
    ).rejects.toBeInstanceOf(VersionMismatchError);
    const after = await s.users.get('okta', 'atomic');
    expect(after?.profile).toMatchObject({ displayName: 'B', version: v2.version });
    expect(after?.attributes.scim).toEqual({ Division: ['EMEA'] });
  });

  it('refuses attributes for an unknown user', async () => {
    await expect(s.users.setAttributes('okta', 'ghost', 'manual', { a: ['b'] })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('removes a key a source no longer sends', async () => {
    await s.users.create({ iamid: 'okta', userid: 'synced', displayName: 'S' });
    await s.users.setAttributes('okta', 'synced', 'external', { Training: ['Privacy'], Badge: ['Gold'] });
    const agg = (await s.users.get('okta', 'synced'))!;
    expect(await s.users.replaceSourceAttributes(agg, 'external', { Training: ['Privacy'] })).toBe(true);
    expect((await s.users.get('okta', 'synced'))?.attributes.external).toEqual({ Training: ['Privacy'] });
  });
});

describe('group repository', () => {
  it('lets exactly one of concurrent creates of the same name (any case) win', async () => {
    const results = await Promise.allSettled(['Finance', 'FINANCE', 'finance'].map((n) => s.groups.create({ iamid: 'okta', displayName: n })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('adds 50 members concurrently without losing one', async () => {
    const g = await s.groups.create({ iamid: 'okta', displayName: 'Crowd' });
    const ids = Array.from({ length: 50 }, (_, i) => `crowd-${i}`);
    await Promise.all(ids.map((id) => s.users.create({ iamid: 'okta', userid: id, displayName: id })));
    await Promise.all(ids.map((id) => s.groups.addMembers('okta', g.id, [id], 'scim')));
    const { members } = await s.groups.listMembers('okta', g.id, { limit: 1000 });
    expect(members.map((m) => m.userid).sort()).toEqual([...ids].sort());
  });

  it('refuses a member that does not exist and adds none of the batch', async () => {
    const g = await s.groups.create({ iamid: 'okta', displayName: 'Strict' });
    await s.users.create({ iamid: 'okta', userid: 'real', displayName: 'Real' });
    await expect(s.groups.addMembers('okta', g.id, ['real', 'ghost'], 'scim')).rejects.toThrow(/ghost/);
    expect((await s.groups.listMembers('okta', g.id)).members).toEqual([]);
  });

  it('renames a group and frees the old name', async () => {
    const g = await s.groups.create({ iamid: 'okta', displayName: 'Old Name' });
    await s.groups.update(g, { displayName: 'New Name' });
    expect(await s.groups.idByName('okta', 'new name')).toBe(g.id);
    expect(await s.groups.idByName('okta', 'Old Name')).toBeUndefined();
    await expect(s.groups.create({ iamid: 'okta', displayName: 'Old Name' })).resolves.toBeDefined();
  });

  it('deletes a group with its memberships', async () => {
    const g = await s.groups.create({ iamid: 'okta', displayName: 'Doomed' });
    await s.users.create({ iamid: 'okta', userid: 'member-of-doomed', displayName: 'X' });
    await s.groups.addMembers('okta', g.id, ['member-of-doomed'], 'manual');
    expect(await s.groups.delete('okta', g.id)).toBe(true);
    await purgeDeletedGroup(s.db, { iamid: 'okta', groupId: g.id, deletedAt: new Date().toISOString() }, { deadline: Date.now() + 60_000 });
    expect((await s.users.get('okta', 'member-of-doomed'))?.memberships.size).toBe(0);
  });
});
