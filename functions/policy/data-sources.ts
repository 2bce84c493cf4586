import { Hono } from 'hono';
import * as z from 'zod';
import { readBody, readQuery } from '#shared/http/body.ts';
import type { AppEnv } from '#shared/http/context.ts';
import { requirePermission } from '#shared/http/auth.ts';
import { badRequest, notFound } from '#shared/http/errors.ts';
import { dataSourceInputSchema, tagSchema, type DataSource, type Domain } from '#shared/model/catalog.ts';
import { idSchema } from '#shared/model/identity.ts';
import { anyCovered, sourceInDomain } from '#shared/policy/index.ts';
import type { Services } from '#shared/services.ts';
import { changeAudit } from '#shared/http/audit.ts';
import { checkIfMatch, etag } from '#shared/http/etag.ts';
import { checkStorable, requireAnyPermission } from './guard.ts';

const listQuery = z.strictObject({ tag: tagSchema.optional(), domain: idSchema.optional() });

/** The id path parameter, validated like every id that ends up in a key. */
export function pathId(raw: string, what: string): string {
  const parsed = idSchema.safeParse(raw);
  if (!parsed.success) throw badRequest(`invalid ${what} \`${raw.slice(0, 100)}\`: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

function inDomain(source: DataSource, id: string, domain: Domain | undefined): boolean {
  return domain ? sourceInDomain(source, domain) : source.domain === id;
}

/** `PUT|GET|DELETE /v1/data-sources/{id}`, `GET /v1/data-sources?tag=&domain=`. */
export function dataSourceRoutes(services: Pick<Services, 'catalog'>): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/', async (c) => {
    requirePermission(c, 'GOVERNANCE');
    const q = readQuery(c, listQuery);
    const { sources, domains } = await services.catalog.scan();
    const domain = q.domain === undefined ? undefined : domains.find((d) => d.id === q.domain);
    const matching = sources.filter(
      (s) =>
        (q.tag === undefined || anyCovered(q.tag, s.tags) || s.columns.some((col) => anyCovered(q.tag!, col.tags))) &&
        (q.domain === undefined || inDomain(s, q.domain, domain)),
    );
    return c.json({ dataSources: matching });
  });

  app.get('/:id', async (c) => {
    requireAnyPermission(c, 'GOVERNANCE', 'QUERY_ENGINE');
    const id = pathId(c.req.param('id'), 'data source id');
    const source = await services.catalog.getSource(id);
    if (!source) throw notFound(`data source \`${id}\` not found`);
    c.header('ETag', etag(source.version));
    return c.json(source);
  });

  app.put('/:id', async (c) => {
    requirePermission(c, 'GOVERNANCE');
    const id = pathId(c.req.param('id'), 'data source id');
    const input = await readBody(c, dataSourceInputSchema);
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
    return c.json(saved, current ? 200 : 201);
  });

  app.delete('/:id', async (c) => {
    requirePermission(c, 'GOVERNANCE');
    const id = pathId(c.req.param('id'), 'data source id');
    await services.catalog.deleteSource(id, changeAudit(c, { action: 'DELETE', targetType: 'dataSource', targets: [id], payload: {} }));
    return c.body(null, 204);
  });

  return app;
}
