import { changeAudit } from '#shared/http/audit.ts';
import { notFound } from '#shared/http/errors.ts';
import { checkIfMatch, etag } from '#shared/http/etag.ts';
import { RouteGroup } from '#shared/http/route-group.ts';
import { deleteDataSource, getDataSource, listDataSources, putDataSource } from '#shared/http/routes/catalog.ts';
import type { DataSource, Domain } from '#shared/model/catalog.ts';
import { anyCovered, sourceInDomain } from '#shared/policy/index.ts';
import type { Services } from '#shared/services.ts';
import { checkStorable } from './storable.ts';

function inDomain(source: DataSource, id: string, domain: Domain | undefined): boolean {
  return domain ? sourceInDomain(source, domain) : source.domain === id;
}

/** True when `tag` covers a tag of the source or of one of its columns. */
const tagged = (source: DataSource, tag: string): boolean => anyCovered(tag, source.tags) || source.columns.some((col) => anyCovered(tag, col.tags));

/** `PUT|GET|DELETE /v1/data-sources/{id}`, `GET /v1/data-sources?tag=&domain=`. */
export function dataSourceRoutes(services: Pick<Services, 'catalog'>): RouteGroup {
  const app = new RouteGroup('/v1/data-sources');

  app.serve(listDataSources, async (c, { query: q }) => {
    const { sources, domains } = await services.catalog.scan();
    const domain = q.domain === undefined ? undefined : domains.find((d) => d.id === q.domain);
    const matching = sources.filter((s) => (q.tag === undefined || tagged(s, q.tag)) && (q.domain === undefined || inDomain(s, q.domain, domain)));
    return c.json({ dataSources: matching }, 200);
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
    checkIfMatch(c, current?.version);
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
    await services.catalog.deleteSource(id, changeAudit(c, { action: 'DELETE', targetType: 'dataSource', targets: [id], payload: {} }));
    return c.body(null, 204);
  });

  return app;
}
