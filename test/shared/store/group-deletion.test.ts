import { beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '#shared/services.ts';
import { ConflictError, NotFoundError } from '#shared/store/errors.ts';
import { purgeDeletedGroup, purgeDeletedGroups, type DeletedGroup } from '#shared/store/group-deletion.ts';
import { loadUserView } from '#shared/store/subjects.ts';
import { requestCounter } from '../../support/request-count.ts';
import { testServices } from '../../support/services.ts';

let s: Services;
let counted: ReturnType<typeof requestCounter>;
beforeAll(async () => {
  s = await testServices();
  counted = requestCounter(s.db);
});

async function requests(task: () => Promise<unknown>): Promise<Record<string, number>> {
  return (await counted(task)).requests;
}

/** A group of `size` members (users `<name>.<i>`), with an attribute. */
async function groupOf(name: string, size: number): Promise<{ id: string; members: string[] }> {
  const members = Array.from({ length: size }, (_, i) => `${name}.${i}`);
  for (const userid of members) await s.users.create({ iamid: 'okta', userid, displayName: userid });
  const g = await s.groups.create({ iamid: 'okta', displayName: name, externalId: `ext-${name}` });
  await s.groups.addMembers('okta', g.id, members, 'scim');
  await s.groups.setAttributes('okta', g.id, 'manual', { Clearance: ['Secret'] });
  return { id: g.id, members };
}

const soon = () => ({ deadline: Date.now() + 60_000 });
const tombstone = (id: string): DeletedGroup => ({ iamid: 'okta', groupId: id, deletedAt: new Date().toISOString() });

describe('deleting a group', () => {
  it('costs the same requests for 200 members as for 2: one read and one transaction', async () => {
    const small = await groupOf('del-small', 2);
    const big = await groupOf('del-big', 200);
    const costs = [await requests(() => s.groups.delete('okta', small.id)), await requests(() => s.groups.delete('okta', big.id))];
    expect(costs).toEqual([
      { QueryCommand: 1, TransactWriteItemsCommand: 1 },
      { QueryCommand: 1, TransactWriteItemsCommand: 1 },
    ]);
    // Effective at once: no member's view, name or externalId lookup shows it.
    const view = await loadUserView(s.users, s.groups, 'okta', big.members[7]!);
    expect([...(view?.subject.groups ?? [])]).toEqual([]);
    expect(view?.merged).toEqual({});
    expect(await s.groups.get('okta', big.id)).toBeUndefined();
    expect(await s.groups.idByName('okta', 'del-big')).toBeUndefined();
    expect(await s.groups.idsByExternalId('okta', 'ext-del-big')).toEqual([]);
    await expect(s.groups.addMembers('okta', big.id, [big.members[0]!], 'scim')).rejects.toBeInstanceOf(NotFoundError);
    // The name is free again at once; the id is not until the memberships are purged.
    await expect(s.groups.create({ iamid: 'okta', displayName: 'del-big' })).resolves.toBeDefined();
    await expect(s.groups.create({ iamid: 'okta', id: big.id, displayName: 'del-big-again' })).rejects.toBeInstanceOf(ConflictError);
  });

  it('purges the memberships in pages, keeps the id taken until the index has settled, then frees it clean', async () => {
    const g = await groupOf('purged', 30);
    await s.groups.delete('okta', g.id);
    expect(await purgeDeletedGroup(s.db, tombstone(g.id), soon())).toBe(false);
    expect((await s.groups.listMembers('okta', g.id)).members).toEqual([]);
    expect((await s.users.get('okta', g.members[0]!))?.memberships.size).toBe(0);
    await expect(s.groups.create({ iamid: 'okta', id: g.id, displayName: 'purged-again' })).rejects.toBeInstanceOf(ConflictError);
    // A pass after the index settled finds nothing left and removes the tombstone.
    expect(await purgeDeletedGroups(s.db, { ...soon(), settleMs: 0 })).toMatchObject({ purged: 1 });
    const again = await s.groups.create({ iamid: 'okta', id: g.id, displayName: 'purged-again' });
    expect((await s.groups.listMembers('okta', again.id)).members).toEqual([]);
    expect((await s.groups.get('okta', again.id))?.attributes).toEqual({});
    expect([...((await loadUserView(s.users, s.groups, 'okta', g.members[0]!))?.subject.groups ?? [])]).toEqual([]);
  });

  it('resumes a purge that failed half way or ran out of time, and two purges at once remove each membership once', async () => {
    const g = await groupOf('resumed', 60);
    await s.groups.delete('okta', g.id);
    expect(await purgeDeletedGroup(s.db, tombstone(g.id), { deadline: Date.now() - 1 })).toBe(false);
    expect((await s.groups.listMembers('okta', g.id)).members).toHaveLength(60);
    let writes = 0;
    const name = 'fail-second-batch-write';
    s.db.doc.middlewareStack.add(
      (next, context) => (args) => {
        if (context.commandName === 'BatchWriteItemCommand' && ++writes > 1) throw new Error('connection reset');
        return next(args);
      },
      { step: 'initialize', name },
    );
    try {
      await expect(purgeDeletedGroup(s.db, tombstone(g.id), soon())).rejects.toThrow('connection reset');
    } finally {
      s.db.doc.middlewareStack.remove(name);
    }
    expect((await s.groups.listMembers('okta', g.id)).members.length).toBeGreaterThan(0);
    await expect(s.groups.create({ iamid: 'okta', id: g.id, displayName: 'resumed-again' })).rejects.toBeInstanceOf(ConflictError);
    await Promise.all([purgeDeletedGroup(s.db, tombstone(g.id), soon()), purgeDeletedGroup(s.db, tombstone(g.id), soon())]);
    expect((await s.groups.listMembers('okta', g.id)).members).toEqual([]);
    expect(await purgeDeletedGroup(s.db, { ...tombstone(g.id), deletedAt: new Date(0).toISOString() }, soon())).toBe(true);
  });
});
