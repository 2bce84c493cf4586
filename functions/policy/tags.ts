import { RouteGroup } from '#shared/http/route-group.ts';
import { listTags } from '#shared/http/routes/catalog.ts';
import type { Services } from '#shared/services.ts';

/** `GET /v1/tags`: every tag in use on a source or a column, with exact counts. */
export function tagRoutes(services: Pick<Services, 'catalog'>): RouteGroup {
  const app = new RouteGroup('/v1/tags');
  app.serve(listTags, async (c) => {
    const counts = new Map<string, { dataSources: number; columns: number }>();
    const bump = (tag: string, field: 'dataSources' | 'columns') => {
      const entry = counts.get(tag) ?? { dataSources: 0, columns: 0 };
      entry[field]++;
      counts.set(tag, entry);
    };
    for (const s of (await services.catalog.scan()).sources) {
      for (const t of new Set(s.tags)) bump(t, 'dataSources');
      for (const col of s.columns) for (const t of new Set(col.tags)) bump(t, 'columns');
    }
    const tags = [...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([tag, n]) => ({ tag, ...n }));
    return c.json({ tags }, 200);
  });
  return app;
}
