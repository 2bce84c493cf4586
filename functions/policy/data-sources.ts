import { requireSelfOr } from '#shared/auth/permission.ts';
import type { DecisionService } from '#shared/decision-service/index.ts';
import { changeAudit } from '#shared/http/audit.ts';
import { badRequest, notFound } from '#shared/http/errors.ts';
import { checkIfMatch, checkNoneMatch, etag } from '#shared/http/etag.ts';
import { RouteGroup } from '#shared/http/route-group.ts';
import { deleteDataSource, getDataSource, listDataSources, putDataSource } from '#shared/http/routes/catalog.ts';
import type { DataSource } from '#shared/model/catalog.ts';
import { physicalTableKey, type PhysicalTable } from '#shared/policy/index.ts';
import type { Services } from '#shared/services.ts';
import { byteOrder, cursorPosition, inDomain, listingCursor, listingScope, tagged } from '#shared/store/catalog-pages.ts';
import { checkStorable } from './storable.ts';

const PHYSICAL = ['platform', 'database', 'schema', 'table'] as const;

/** The physical table a listing names: all four parts or none (400 for some). */
function physicalOf(q: Partial<PhysicalTable>): PhysicalTable | undefined {
  const given = PHYSICAL.filter((k) => q[k] !== undefined);
  if (given.length === 0) return undefined;
  if (given.length < PHYSICAL.length) throw badRequest(`invalid query: a physical-table lookup takes \`platform\`, \`database\`, \`schema\` and \`table\` together, not only ${given.map((k) => `\`${k}\``).join(', ')}`);
  return q as PhysicalTable;
}

/** A page of the (few) sources registered for one physical table, paged like every other listing. */
function physicalPage(matching: DataSource[], at: PhysicalTable, q: { tag?: string; domain?: string; limit: number; cursor?: string }) {
  const scope = listingScope('physical', [physicalTableKey(at), q.tag, q.domain]);
  const after = cursorPosition(q.cursor, scope);
  const rest = matching.filter((s) => after === undefined || byteOrder(s.id, after) > 0).sort((a, b) => byteOrder(a.id, b.id));
  const page = rest.slice(0, q.limit);
  return { dataSources: page, nextCursor: listingCursor(rest.length > page.length ? page.at(-1)!.id : undefined, scope) };
}

/** `PUT|GET|DELETE /v1/data-sources/{id}`, `GET /v1/data-sources?tag=&domain=`, `GET /v1/data-sources?platform=&database=&schema=&table=`. */
export function dataSourceRoutes(services: Pick<Services, 'catalog'>, decisions: Pick<DecisionService, 'snapshot'>): RouteGroup {
  const app = new RouteGroup('/v1/data-sources');

  app.serve(listDataSources, async (c, { query: q }) => {
    const physical = physicalOf(q);
    if (physical) {
      // The snapshot's index: the same sources, and as fresh, as the decisions a query engine asks for next.
      const { snapshot } = await decisions.snapshot();
      const atTable = snapshot.sourcesAt(physical).map((id) => snapshot.source(id)!.facts.source);
      const matching = atTable.filter((s) => (q.tag === undefined || tagged(s, q.tag)) && (q.domain === undefined || inDomain(s, q.domain, snapshot.domains.get(q.domain))));
      return c.json(physicalPage(matching, physical, q), 200);
    }
    requireSelfOr(c.get('caller'), undefined, ['GOVERNANCE'], 'requires permission `GOVERNANCE`: a `QUERY_ENGINE` key lists only by physical table (`platform`, `database`, `schema`, `table`)');
    const page = await services.catalog.sourcePage({ tag: q.tag, domain: q.domain }, { limit: q.limit, cursor: q.cursor ?? null });
    return c.json({ dataSources: page.items, nextCursor: page.cursor }, 200);
  });

  app.serve(getDataSource, async (c, { params: { id } }) => {
    const source = await services.catalog.getSource(id);
    if (!source) throw notFound(`data source \`${id}\` not found`);
    c.header('ETag', etag(source.version));
    return c.json(source, 200);
  });

  app.serve(putDataSource, async (c, { params: { id }, body: input }) => {
    checkStorable('data source', input);
    const current = await services.catalog.getSource(id);
    // The write is conditional on the version read here, so If-Match holds up to the write (a lost race is a 412).
    if (!checkNoneMatch(c, current !== undefined)) checkIfMatch(c, current?.version);
    const saved = await services.catalog.putSource(
      id,
      input,
      current,
      changeAudit(c, { action: current ? 'UPDATE' : 'CREATE', targetType: 'dataSource', targets: [id], payload: {
        version: (current?.version ?? 0) + 1,
        platform: input.platform,
        tags: input.tags,
        columns: input.columns.length,
      } }),
    );
    c.header('ETag', etag(saved.version));
    return current ? c.json(saved, 200) : c.json(saved, 201);
  });

  app.serve(deleteDataSource, async (c, { params: { id } }) => {
    const expected = c.req.header('if-match') === undefined ? undefined : checkIfMatch(c, (await services.catalog.getSource(id))?.version);
    await services.catalog.deleteSource(id, changeAudit(c, { action: 'DELETE', targetType: 'dataSource', targets: [id], payload: {} }), expected);
    return c.body(null, 204);
  });

  return app;
}
