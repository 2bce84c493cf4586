import { beforeAll, describe, expect, it } from 'vitest';
import { everyDataSource } from '../../cli/data-sources.ts';
import { createPolicyApp } from '#functions/policy/app.ts';
import { createWardenClient, type WardenClient } from '#shared/client/index.ts';
import { ADMIN_KEY, bearer, json, testServices } from '../support/services.ts';

let client: WardenClient;
const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];

beforeAll(async () => {
  const app = createPolicyApp(await testServices());
  for (const [i, id] of ids.entries()) {
    const tags = i % 2 ? ['Odd'] : [];
    await app.request(`/v1/data-sources/${id}`, json('PUT', { name: id, platform: 'postgres', database: 'db', schema: 's', table: id, tags }, bearer(ADMIN_KEY)));
  }
  client = createWardenClient({ baseUrl: 'http://warden.test', apiKey: ADMIN_KEY, fetch: async (url, init) => app.request(String(url), init) });
});

describe('the CLI reads the whole catalog', () => {
  it('follows nextCursor to the last page, with and without a tag', async () => {
    expect((await everyDataSource(client, { limit: 2 })).map((s) => s.id)).toEqual(ids);
    expect((await everyDataSource(client, { tag: 'Odd', limit: 1 })).map((s) => s.id)).toEqual(['b', 'd', 'f']);
    expect((await everyDataSource(client)).map((s) => s.id)).toEqual(ids);
  });
});
