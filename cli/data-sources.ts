import type { ReplyOf, RouteOf, WardenClient } from '#shared/client/index.ts';

/** A data source as `GET /v1/data-sources` lists it. */
export type ListedDataSource = ReplyOf<RouteOf<'listDataSources'>>['body']['dataSources'][number];

/** Every data source (carrying `tag`, when given), following `nextCursor` page after page (of `limit`, default the API's). */
export async function everyDataSource(client: WardenClient, filter: { readonly tag?: string; readonly limit?: number } = {}): Promise<ListedDataSource[]> {
  const out: ListedDataSource[] = [];
  let cursor: string | undefined;
  do {
    const { body } = await client.request('listDataSources', { query: { ...filter, ...(cursor ? { cursor } : {}) } });
    out.push(...body.dataSources);
    cursor = body.nextCursor ?? undefined;
  } while (cursor);
  return out;
}
