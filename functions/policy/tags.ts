import { RouteGroup } from '#shared/http/route-group.ts';
import { listTags } from '#shared/http/routes/catalog.ts';
import type { Services } from '#shared/services.ts';

/** `GET /v1/tags`: a page of the tags in use on a source or a column, with exact counts (kept with every source write). */
export function tagRoutes(services: Pick<Services, 'catalog'>): RouteGroup {
  const app = new RouteGroup('/v1/tags');
  app.serve(listTags, async (c, { query }) => {
    const page = await services.catalog.tagPage({ limit: query.limit, cursor: query.cursor ?? null });
    return c.json({ tags: page.items, nextCursor: page.cursor }, 200);
  });
  return app;
}
