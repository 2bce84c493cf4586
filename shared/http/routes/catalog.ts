import * as z from 'zod';
import {
  catalogPageQuerySchema,
  catalogParamsSchema,
  dataSourceInputSchema,
  dataSourceListQuerySchema,
  dataSourceView,
  domainInputSchema,
  domainView,
  MAX_CATALOG_PAGE,
  nextCursorView,
  tagCountView,
} from '#shared/model/catalog.ts';
import { requires } from '../guard.ts';
import { guardedBy, route, type AnyRoute } from '../route.ts';
import { CONCURRENT_WRITE, CONDITIONAL_WRITE, createdOrReplaced, etag } from './versioned.ts';

const governance = guardedBy(requires('GOVERNANCE'));

const pagingNote =
  `Paged in key order (UTF-8 byte order): at most \`limit\` entries (1–${MAX_CATALOG_PAGE}, default ${MAX_CATALOG_PAGE}, so a catalog of up to ${MAX_CATALOG_PAGE} comes whole in one answer), ` +
  'then `nextCursor` (null on the last page) to pass as `cursor` for the next; a cursor is opaque, and one not issued for the same query is a 400.';

export const listDataSources = route('listDataSources', 'get', '/v1/data-sources', {
  summary: 'list data sources, optionally by tag (hierarchical: `A.B` matches `A.B.*`, on the source or a column), domain and physical table',
  description:
    'The physical-table lookup (`platform`, `database`, `schema`, `table`, all four) is what query engines resolve a table reference with: ' +
    'it reads the decisions\' snapshot (as fresh as decisions are) and is the only listing a `QUERY_ENGINE` key may make. ' +
    pagingNote +
    ' With both `tag` and `domain` a page may hold fewer than `limit` sources (even none) while `nextCursor` is not null.',
  guard: requires('GOVERNANCE', 'QUERY_ENGINE'),
  query: dataSourceListQuerySchema,
  responses: { 200: { description: 'a page of the matching sources, by id', schema: z.object({ dataSources: z.array(dataSourceView), nextCursor: nextCursorView }) } },
  errors: { 400: 'a malformed parameter, or a cursor not issued for this query' },
});

export const getDataSource = route('getDataSource', 'get', '/v1/data-sources/{id}', {
  summary: 'a data source with its columns',
  guard: requires('GOVERNANCE', 'QUERY_ENGINE'),
  params: catalogParamsSchema,
  responses: { 200: { description: 'the data source', schema: dataSourceView, headers: etag } },
  errors: { 404: 'unknown data source' },
});

export const putDataSource = governance('putDataSource', 'put', '/v1/data-sources/{id}', {
  summary: 'create or replace a data source (versioned; audited)',
  description:
    'With `If-Match` the write happens only at that version (`*`: only if it exists); with `If-None-Match: *` only if it does not exist. ' +
    'A bare userid in `owners` is a user of the default IAM. `disabledPolicies` left out keeps the policies disabled on the source.',
  params: catalogParamsSchema,
  body: { schema: dataSourceInputSchema },
  responses: createdOrReplaced(dataSourceView, etag),
  errors: CONDITIONAL_WRITE,
});

export const deleteDataSource = governance('deleteDataSource', 'delete', '/v1/data-sources/{id}', {
  summary: 'delete a data source (audited)',
  description: 'With `If-Match` only at that version, else 412.',
  params: catalogParamsSchema,
  responses: { 204: { description: 'deleted' } },
  errors: { 404: 'unknown data source', 409: 'changed concurrently', 412: '`If-Match` does not hold' },
});

export const listDomains = governance('listDomains', 'get', '/v1/domains', {
  summary: 'list domains, cursor-paged',
  description: pagingNote,
  query: catalogPageQuerySchema,
  responses: { 200: { description: 'a page of the domains, by id', schema: z.object({ domains: z.array(domainView), nextCursor: nextCursorView }) } },
  errors: { 400: 'a malformed parameter, or a cursor not issued for this listing' },
});

export const getDomain = governance('getDomain', 'get', '/v1/domains/{id}', {
  summary: 'a domain',
  params: catalogParamsSchema,
  responses: { 200: { description: 'the domain', schema: domainView } },
  errors: { 404: 'unknown domain' },
});

export const putDomain = governance('putDomain', 'put', '/v1/domains/{id}', {
  summary: 'create or replace a domain; a source belongs if its `domain` is the id or it carries one of the tags',
  params: catalogParamsSchema,
  body: { schema: domainInputSchema },
  responses: createdOrReplaced(domainView),
  errors: CONCURRENT_WRITE,
});

export const listTags = governance('listTags', 'get', '/v1/tags', {
  summary: 'every tag in use, with exact counts of sources and columns, cursor-paged',
  description: `${pagingNote} The counts are kept with every source write, exact at any moment; reading them costs one page, whatever the catalog's size.`,
  query: catalogPageQuerySchema,
  responses: { 200: { description: 'a page of the tags in use, sorted', schema: z.object({ tags: z.array(tagCountView), nextCursor: nextCursorView }) } },
  errors: { 400: 'a malformed parameter, or a cursor not issued for this listing' },
});

/** The catalog routes of the `policy` function: data sources, domains, tags. */
export const CATALOG_ROUTES: readonly AnyRoute[] = [listDataSources, getDataSource, putDataSource, deleteDataSource, listDomains, getDomain, putDomain, listTags];
