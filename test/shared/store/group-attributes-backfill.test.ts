import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Attributes } from '#shared/model/identity.ts';
import type { Services } from '#shared/services.ts';
import { attributeItems } from '#shared/store/attributes.ts';
import { groupAttributesKey } from '#shared/store/group-attributes.ts';
import { backfillGroupAttributes } from '#shared/store/group-attributes-backfill.ts';
import { identityKeys } from '#shared/store/key-formats.ts';
import { loadUserView } from '#shared/store/subjects.ts';
import { requestCounter } from '../../support/request-count.ts';
import { testServices } from '../../support/services.ts';

let s: Services;
let counted: ReturnType<typeof requestCounter>;
const LEGACY = 30;
const ids: string[] = [];

/** Rewrites a group as earlier versions stored it: no attributes item, one item per key. */
async function toLegacyLayout(groupId: string, values: Attributes, on: Services = s): Promise<void> {
  const table = on.db.tables.identities;
  const legacy = attributeItems(table, identityKeys.group('bim', groupId), 'manual', values).map((t) => ({ PutRequest: { Item: t.Put!.Item! } }));
  await on.db.doc.send(new BatchWriteCommand({ RequestItems: { [table]: [{ DeleteRequest: { Key: groupAttributesKey('bim', groupId) } }, ...legacy] } }));
}

const partitionKeys = async (groupId: string): Promise<string[]> => {
  const res = await s.db.doc.send(new QueryCommand({ TableName: s.db.tables.identities, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': identityKeys.group('bim', groupId) }, ConsistentRead: true }));
  return (res.Items ?? []).map((i) => String(i.sk)).sort();
};

beforeAll(async () => {
  s = await testServices();
  counted = requestCounter(s.db);
  await s.users.create({ iamid: 'bim', userid: 'member', displayName: 'M' });
  for (let i = 0; i < LEGACY; i++) {
    const g = await s.groups.create({ iamid: 'bim', displayName: `old-${i}` });
    await s.groups.addMembers('bim', g.id, ['member'], 'manual');
    await toLegacyLayout(g.id, i % 3 ? { Team: [`t${i}`], Level: [String(i % 4)] } : {});
    ids.push(g.id);
  }
  const current = await s.groups.create({ iamid: 'bim', displayName: 'already-moved' });
  await s.groups.setAttributes('bim', current.id, 'manual', { Team: ['new'] });
  await s.groups.addMembers('bim', current.id, ['member'], 'manual');
});

describe('the backfill of groups stored before the attributes item', () => {
  it('moves every such group to one item over calls that each stop after a page, keeping every value', async () => {
    const before = await Promise.all(ids.map((id) => s.groups.get('bim', id)));
    const viewBefore = await counted(() => loadUserView(s.users, s.groups, 'bim', 'member'));
    // Each legacy group costs the view a Query of its own partition.
    expect(viewBefore.requests.QueryCommand).toBe(1 + LEGACY);

    const reports = [];
    for (let call = 0; call < 20; call++) {
      const report = await backfillGroupAttributes(s.db, { until: 0, pageSize: 10 });
      reports.push(report);
      if (report.done) break;
    }
    expect(reports.length).toBeGreaterThan(2);
    expect(reports.at(-1)).toEqual({ groups: LEGACY, tooLarge: [], done: true });

    expect(await Promise.all(ids.map((id) => s.groups.get('bim', id)))).toEqual(before);
    for (const id of ids) expect(await partitionKeys(id)).toEqual([identityKeys.groupAttributes, identityKeys.profile]);
    const viewAfter = await counted(() => loadUserView(s.users, s.groups, 'bim', 'member'));
    expect(viewAfter.value?.merged).toEqual(viewBefore.value?.merged);
    expect(viewAfter.requests).toEqual({ QueryCommand: 1, BatchGetItemCommand: 1 });
  });

  it('answers done at once on a later call, reading its marker alone and writing nothing', async () => {
    const { value, requests } = await counted(() => backfillGroupAttributes(s.db));
    expect(value).toEqual({ groups: 0, tooLarge: [], done: true });
    expect(requests).toEqual({ GetItemCommand: 1 });
  });
});

describe('a backfill beside live writes and large groups', () => {
  it('keeps a concurrent attribute change, and leaves a group too large for one item readable as it was', async () => {
    const t = await testServices();
    const raced = await t.groups.create({ iamid: 'bim', displayName: 'raced' });
    const huge = await t.groups.create({ iamid: 'bim', displayName: 'huge' });
    await toLegacyLayout(raced.id, { Keep: ['k'], Drop: ['d'] }, t);
    // Four keys of 90 KB each: every per-key item fits DynamoDB, their one item would not.
    const big = Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`Big${i}`, [`${i}`.padEnd(90_000, 'x')]]));
    await toLegacyLayout(huge.id, big, t);
    const [report] = await Promise.all([backfillGroupAttributes(t.db), t.groups.setAttributes('bim', raced.id, 'manual', { Drop: [], Added: ['a'] })]);
    expect(report.done).toBe(true);
    expect(report.tooLarge).toEqual([`bim/${huge.id}`]);
    expect((await t.groups.get('bim', raced.id))?.attributes).toEqual({ manual: { Keep: ['k'], Added: ['a'] } });
    expect((await t.groups.get('bim', huge.id))?.attributes).toEqual({ manual: big });
  });
});
