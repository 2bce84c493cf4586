import { Hono } from 'hono';
import { readBody } from '#shared/http/body.ts';
import type { AppEnv } from '#shared/http/context.ts';
import { requirePermission } from '#shared/http/auth.ts';
import { notFound } from '#shared/http/errors.ts';
import { domainInputSchema } from '#shared/model/catalog.ts';
import type { Services } from '#shared/services.ts';
import { pathId } from './data-sources.ts';
import { changeAudit } from '#shared/http/audit.ts';

/** `PUT|GET /v1/domains/{id}`, `GET /v1/domains` (GOVERNANCE). */
export function domainRoutes(services: Pick<Services, 'catalog'>): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/', async (c) => {
    requirePermission(c, 'GOVERNANCE');
    return c.json({ domains: (await services.catalog.scan()).domains });
  });

  app.get('/:id', async (c) => {
    requirePermission(c, 'GOVERNANCE');
    const id = pathId(c.req.param('id'), 'domain id');
    const domain = await services.catalog.getDomain(id);
    if (!domain) throw notFound(`domain \`${id}\` not found`);
    return c.json(domain);
  });

  app.put('/:id', async (c) => {
    requirePermission(c, 'GOVERNANCE');
    const id = pathId(c.req.param('id'), 'domain id');
    const input = await readBody(c, domainInputSchema);
    const current = await services.catalog.getDomain(id);
    const saved = await services.catalog.putDomain(
      id,
      input,
      current,
      changeAudit(c, { action: current ? 'UPDATE' : 'CREATE', targetType: 'domain', targets: [id], payload: { version: (current?.version ?? 0) + 1, name: input.name, tags: input.tags } }),
    );
    return c.json(saved, current ? 200 : 201);
  });

  return app;
}
