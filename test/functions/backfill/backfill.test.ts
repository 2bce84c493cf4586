import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { CdkCustomResourceEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { BACKFILL_RESOURCE_ID, backfillResource } from '#functions/backfill/backfill.ts';
import { createPolicyApp } from '#functions/policy/app.ts';
import type { DecidingServices } from '#shared/services.ts';
import { batchWrite } from '#shared/store/batch.ts';
import { attributeItems } from '#shared/store/attributes.ts';
import { groupAttributesKey } from '#shared/store/group-attributes.ts';
import { catalogKeys, identityKeys } from '#shared/store/key-formats.ts';
import { ADMIN_KEY, bearer, testServices } from '../../support/services.ts';

let s: DecidingServices;
let oldGroup: string;
const now = '2026-01-01T00:00:00.000Z';
const SOURCES = 1100;

/** A CloudFormation request as the provider framework passes it on. */
const event = (RequestType: 'Create' | 'Update' | 'Delete'): CdkCustomResourceEvent =>
  ({
    RequestType,
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:framework',
    ResponseURL: 'https://cloudformation-custom-resource-response.example/',
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/WardenApi/1',
    RequestId: 'r1',
    LogicalResourceId: 'CatalogIndexBackfill',
    ResourceType: 'Custom::CatalogIndexBackfill',
    ResourceProperties: { ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:framework' },
    ...(RequestType === 'Create' ? {} : { PhysicalResourceId: BACKFILL_RESOURCE_ID }),
    ...(RequestType === 'Update' ? { OldResourceProperties: {} } : {}),
  }) as CdkCustomResourceEvent;

/** A Lambda with no time left past the backfill's margin: every call indexes one page and stops. */
const almostOut = { getRemainingTimeInMillis: () => 60_000 };
const plenty = { getRemainingTimeInMillis: () => 15 * 60_000 };

beforeAll(async () => {
  s = await testServices();
  // A catalog as an earlier version stored it: source items alone, no index entries, no counts.
  const legacy = Array.from({ length: SOURCES }, (_, i) => {
    const id = `old${String(i).padStart(5, '0')}`;
    return { PutRequest: { Item: { pk: catalogKeys.source(id), sk: catalogKeys.meta, id, name: id, platform: 'postgres', database: 'db', schema: 's', table: id, owners: [], tags: [i % 2 ? 'Odd' : 'Even'], columns: [], version: 1, createdAt: now, updatedAt: now } } };
  });
  for (let i = 0; i < legacy.length; i += 25) expect(await batchWrite(s.db, s.db.tables.catalog, legacy.slice(i, i + 25))).toEqual([]);
  // A group as an earlier version stored it: its profile and one item per attribute key.
  const group = await s.groups.create({ iamid: 'bim', displayName: 'old-group' });
  const pk = identityKeys.group('bim', group.id);
  const perKey = attributeItems(s.db.tables.identities, pk, 'manual', { Region: ['EU'] }).map((t) => ({ PutRequest: { Item: t.Put!.Item! } }));
  expect(await batchWrite(s.db, s.db.tables.identities, [{ DeleteRequest: { Key: groupAttributesKey('bim', group.id) } }, ...perKey])).toEqual([]);
  oldGroup = group.id;
});

describe('the deploy-time backfills (custom resource)', () => {
  it('indexes a catalog larger than one call can and moves old groups to their attributes item, over several calls, each resuming where the last stopped', async () => {
    const handler = backfillResource({ db: s.db, log: s.log });
    const answers = [];
    for (let call = 0; call < 10; call++) {
      const answer = await handler(event(call ? 'Update' : 'Create'), almostOut);
      answers.push(answer);
      if (answer.IsComplete) break;
    }
    expect(answers.length).toBeGreaterThan(1);
    expect(answers.slice(0, -1).every((a) => !a.IsComplete && !('Data' in a))).toBe(true);
    expect(answers.at(-1)).toEqual({ PhysicalResourceId: BACKFILL_RESOURCE_ID, IsComplete: true, Data: { sources: SOURCES, domains: 0, tooLarge: 0, groups: 1, groupsTooLarge: 0 } });
    const app = createPolicyApp(s);
    const tags = (await (await app.request('/v1/tags', { headers: bearer(ADMIN_KEY) })).json()) as { tags: Array<{ tag: string; dataSources: number }> };
    expect(tags.tags.map((t) => [t.tag, t.dataSources])).toEqual([
      ['Even', SOURCES / 2],
      ['Odd', SOURCES / 2],
    ]);
    const page = (await (await app.request('/v1/data-sources?tag=Odd&limit=1000', { headers: bearer(ADMIN_KEY) })).json()) as { dataSources: unknown[]; nextCursor: string | null };
    expect([page.dataSources.length, page.nextCursor === null]).toEqual([SOURCES / 2, true]);
    const group = await s.db.doc.send(new GetCommand({ TableName: s.db.tables.identities, Key: groupAttributesKey('bim', oldGroup), ConsistentRead: true }));
    expect(JSON.parse(String(group.Item?.attributes))).toEqual({ manual: { Region: ['EU'] } });
  }, 120_000);

  it('answers complete at once on a later deploy and on delete, changing nothing', async () => {
    const handler = backfillResource({ db: s.db, log: s.log });
    expect(await handler(event('Update'), plenty)).toEqual({ PhysicalResourceId: BACKFILL_RESOURCE_ID, IsComplete: true, Data: { sources: 0, domains: 0, tooLarge: 0, groups: 0, groupsTooLarge: 0 } });
    expect(await handler(event('Delete'), plenty)).toEqual({ PhysicalResourceId: BACKFILL_RESOURCE_ID, IsComplete: true });
    const app = createPolicyApp(s);
    const tags = (await (await app.request('/v1/tags', { headers: bearer(ADMIN_KEY) })).json()) as { tags: Array<{ tag: string; dataSources: number }> };
    expect(tags.tags.map((t) => t.dataSources)).toEqual([SOURCES / 2, SOURCES / 2]);
  });
});
