import { Hono } from 'hono';
import type { AppEnv } from '#shared/http/context.ts';
import { requirePermission } from '#shared/http/auth.ts';
import type { Services } from '#shared/services.ts';

/** `GET /v1/tags`: every tag in use on a source or a column, with exact counts (GOVERNANCE). */
export function tagRoutes(services: Pick<Services, 'catalog'>): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => {
    requirePermission(c, 'GOVERNANCE');
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
    return c.json({ tags });
  });
  return app;
}
