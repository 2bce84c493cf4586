import type * as z from 'zod';
import type { VisibleSource } from '#shared/decision-service/index.ts';
import type { catalogEntryView, userCatalogQuerySchema, userCatalogView } from '#shared/model/console.ts';
import type { AccessRequest } from '#shared/store/access-requests.ts';

type Query = z.output<typeof userCatalogQuerySchema>;
type Entry = z.output<typeof catalogEntryView>;

/** Whether a source matches every filter of the query (search on id and name, hierarchical tag, domain, access). */
function matches({ entry, access }: VisibleSource, query: Query): boolean {
  const { source, tagLineage, columnTagLineage } = entry.facts;
  if (query.access && access !== query.access) return false;
  if (query.domain && !entry.domains.includes(query.domain)) return false;
  if (query.tag && !tagLineage.has(query.tag) && !columnTagLineage.has(query.tag)) return false;
  if (query.search) {
    const needle = query.search.toLowerCase();
    if (!source.id.toLowerCase().includes(needle) && !source.name.toLowerCase().includes(needle)) return false;
  }
  return true;
}

/** The user's latest request on each source. */
function latestRequests(requests: readonly AccessRequest[]): Map<string, AccessRequest> {
  const latest = new Map<string, AccessRequest>();
  for (const r of requests) {
    const seen = latest.get(r.dataSource);
    if (!seen || seen.createdAt < r.createdAt) latest.set(r.dataSource, r);
  }
  return latest;
}

/**
 * One page of a user's catalog: the visible sources matching the query, in id order, after the
 * cursor (the last id of the previous page), each with its latest request.
 */
export function catalogPage(visible: readonly VisibleSource[], requests: readonly AccessRequest[], query: Query): z.output<typeof userCatalogView> {
  const matching = visible.filter((v) => matches(v, query)).sort((a, b) => (a.entry.facts.source.id < b.entry.facts.source.id ? -1 : 1));
  const after = query.cursor;
  const rest = after === undefined ? matching : matching.filter((v) => v.entry.facts.source.id > after);
  const page = rest.slice(0, query.limit);
  const latest = latestRequests(requests);
  const dataSources = page.map(({ entry, access }): Entry => {
    const s = entry.facts.source;
    const request = latest.get(s.id);
    return {
      id: s.id,
      name: s.name,
      platform: s.platform,
      database: s.database,
      schema: s.schema,
      table: s.table,
      domains: entry.domains,
      owners: s.owners.map((o) => ({ iamid: o.iamid, userid: o.userid })),
      tags: s.tags,
      columns: s.columns.map((col) => ({ name: col.name, type: col.type, tags: col.tags })),
      access,
      requestable: entry.requestsAllowed,
      ...(request ? { request } : {}),
    };
  });
  const last = page.at(-1);
  return { dataSources, total: matching.length, nextCursor: rest.length > page.length && last ? last.entry.facts.source.id : null };
}
