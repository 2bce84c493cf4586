import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '#shared/services.ts';
import { attributeItems } from '#shared/store/attributes.ts';
import { GroupAttributesLimitError, NotFoundError } from '#shared/store/errors.ts';
import { groupAttributesKey, GROUP_ATTRIBUTES_BYTES } from '#shared/store/group-attributes.ts';
import { identityKeys } from '#shared/store/key-formats.ts';
import { loadUserView } from '#shared/store/subjects.ts';
import { requestCounter } from '../../support/request-count.ts';
import { testServices } from '../../support/services.ts';

let s: Services;
let counted: ReturnType<typeof requestCounter>;
beforeAll(async () => {
  s = await testServices();
  counted = requestCounter(s.db);
});

describe("a user's view", () => {
  it('reads the groups of a user in 150 groups in BatchGetItems of 100 keys, not one request per group', async () => {
    const GROUPS = 150;
    await s.users.create({ iamid: 'bim', userid: 'joiner', displayName: 'J' });
    const ids: string[] = [];
    for (let i = 0; i < GROUPS; i++) {
      const g = await s.groups.create({ iamid: 'bim', displayName: `team-${i}` });
      await s.groups.addMembers('bim', g.id, ['joiner'], 'scim');
      if (i % 50 === 0) await s.groups.setAttributes('bim', g.id, 'manual', { Team: [`t${i}`] });
      ids.push(g.id);
    }
    const { value: view, requests } = await counted(() => loadUserView(s.users, s.groups, 'bim', 'joiner'));
    expect(view?.groups.map((g) => g.profile.displayName).sort()).toEqual(Array.from({ length: GROUPS }, (_, i) => `team-${i}`).sort());
    expect(view?.merged.Team).toEqual(['t0', 't100', 't50']);
    // One Query of the user's partition, then profile and attributes of 50 groups a call.
    expect(requests).toEqual({ QueryCommand: 1, BatchGetItemCommand: Math.ceil((2 * GROUPS) / 100) });
  });

  it('shows a rename and a deletion of a group at once', async () => {
    await s.users.create({ iamid: 'bim', userid: 'watcher', displayName: 'W' });
    const a = await s.groups.create({ iamid: 'bim', displayName: 'before-rename' });
    const b = await s.groups.create({ iamid: 'bim', displayName: 'to-delete' });
    await s.groups.addMembers('bim', a.id, ['watcher'], 'manual');
    await s.groups.addMembers('bim', b.id, ['watcher'], 'manual');
    await s.groups.update(a, { displayName: 'after-rename' });
    await s.groups.delete('bim', b.id);
    const view = await loadUserView(s.users, s.groups, 'bim', 'watcher');
    expect([...(view?.subject.groups ?? [])]).toEqual(['after-rename']);
  });

  it('reads a group stored before its attributes item existed, and moves it to one item on its next change', async () => {
    await s.users.create({ iamid: 'bim', userid: 'old-member', displayName: 'O' });
    const g = await s.groups.create({ iamid: 'bim', displayName: 'old-layout' });
    await s.groups.addMembers('bim', g.id, ['old-member'], 'manual');
    // The layout of earlier versions: no attributes item, one item per key.
    const pk = identityKeys.group('bim', g.id);
    const legacy = attributeItems(s.db.tables.identities, pk, 'manual', { Region: ['EU'], Level: ['3'] }).map((t) => ({ PutRequest: { Item: t.Put!.Item! } }));
    await s.db.doc.send(new BatchWriteCommand({ RequestItems: { [s.db.tables.identities]: [{ DeleteRequest: { Key: groupAttributesKey('bim', g.id) } }, ...legacy] } }));
    expect((await loadUserView(s.users, s.groups, 'bim', 'old-member'))?.merged).toEqual({ Level: ['3'], Region: ['EU'] });

    await s.groups.setAttributes('bim', g.id, 'manual', { Level: [], Unit: ['u'] });
    const { value: view, requests } = await counted(() => loadUserView(s.users, s.groups, 'bim', 'old-member'));
    expect(view?.merged).toEqual({ Region: ['EU'], Unit: ['u'] });
    expect(requests).toEqual({ QueryCommand: 1, BatchGetItemCommand: 1 });
    const partition = await s.db.doc.send(new (await import('@aws-sdk/lib-dynamodb')).QueryCommand({ TableName: s.db.tables.identities, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } }));
    expect(partition.Items?.map((i) => i.sk).sort()).toEqual([identityKeys.groupAttributes, identityKeys.profile]);
  });

  it('keeps every key of concurrent attribute changes to one group', async () => {
    const g = await s.groups.create({ iamid: 'bim', displayName: 'contended-attrs' });
    await Promise.all(Array.from({ length: 8 }, (_, i) => s.groups.setAttributes('bim', g.id, 'manual', { [`k${i}`]: [`v${i}`] })));
    const stored = await s.groups.get('bim', g.id);
    expect(Object.keys(stored?.attributes.manual ?? {}).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `k${i}`));
  });

  it('refuses attributes that would not fit one item, and an unknown group, changing nothing', async () => {
    const g = await s.groups.create({ iamid: 'bim', displayName: 'bounded' });
    await s.groups.setAttributes('bim', g.id, 'manual', { Keep: ['yes'] });
    const big = Array.from({ length: Math.ceil(GROUP_ATTRIBUTES_BYTES / 1000) + 1 }, (_, i) => `${i}`.padEnd(1000, 'x'));
    await expect(s.groups.setAttributes('bim', g.id, 'manual', { Huge: big })).rejects.toBeInstanceOf(GroupAttributesLimitError);
    expect((await s.groups.get('bim', g.id))?.attributes).toEqual({ manual: { Keep: ['yes'] } });
    await expect(s.groups.setAttributes('bim', 'no-such-group', 'manual', { A: ['b'] })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('keeps attribute keys that name members of Object.prototype', async () => {
    const g = await s.groups.create({ iamid: 'bim', displayName: 'proto-names' });
    await s.groups.setAttributes('bim', g.id, 'manual', { constructor: ['c'], toString: ['t'] });
    const [read] = await s.groups.getMany('bim', [g.id]);
    expect(Object.entries(read?.attributes.manual ?? {})).toEqual([['constructor', ['c']], ['toString', ['t']]]);
  });
});
