import { changeAudit } from '#shared/http/audit.ts';
import { notFound } from '#shared/http/errors.ts';
import { RouteGroup } from '#shared/http/route-group.ts';
import { getDomain, listDomains, putDomain } from '#shared/http/routes/catalog.ts';
import type { Services } from '#shared/services.ts';

/** `PUT|GET /v1/domains/{id}`, `GET /v1/domains`. */
export function domainRoutes(services: Pick<Services, 'catalog'>): RouteGroup {
  const app = new RouteGroup('/v1/domains');

  app.serve(listDomains, async (c, { query }) => {
    const page = await services.catalog.domainPage({ limit: query.limit, cursor: query.cursor ?? null });
    return c.json({ domains: page.items, nextCursor: page.cursor }, 200);
  });

  app.serve(getDomain, async (c, { params: { id } }) => {
    const domain = await services.catalog.getDomain(id);
    if (!domain) throw notFound(`domain \`${id}\` not found`);
    return c.json(domain, 200);
  });

  app.serve(putDomain, async (c, { params: { id }, body: input }) => {
    const current = await services.catalog.getDomain(id);
    const saved = await services.catalog.putDomain(
      id,
      input,
      current,
      changeAudit(c, { action: current ? 'UPDATE' : 'CREATE', targetType: 'domain', targets: [id], payload: { version: (current?.version ?? 0) + 1, name: input.name, tags: input.tags } }),
    );
    return current ? c.json(saved, 200) : c.json(saved, 201);
  });

  return app;
}
