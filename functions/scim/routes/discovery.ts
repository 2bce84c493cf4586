import { Hono } from 'hono';
import { resourceType, resourceTypesList, schemaDocument, schemasList, serviceProviderConfig } from '../rfc/discovery.ts';
import { ScimError } from '../rfc/errors.ts';
import type { ScimEnv } from './auth.ts';
import { baseUrl, scimJson } from './respond.ts';

const WRITES = ['POST', 'PUT', 'PATCH', 'DELETE'];

/** `/ServiceProviderConfig` (also `/serviceConfiguration`), `/ResourceTypes`, `/Schemas`: read-only. */
export function discoveryRoutes(): Hono<ScimEnv> {
  const app = new Hono<ScimEnv>();
  for (const path of ['/ServiceProviderConfig', '/serviceConfiguration']) {
    app.get(path, (c) => scimJson(c, serviceProviderConfig(baseUrl(c))));
  }
  app.get('/ResourceTypes', (c) => scimJson(c, resourceTypesList(baseUrl(c))));
  app.get('/ResourceTypes/:id', (c) => {
    const doc = resourceType(c.req.param('id'), baseUrl(c));
    if (!doc) throw new ScimError(404, `resource type \`${c.req.param('id')}\` not found`);
    return scimJson(c, doc);
  });
  app.get('/Schemas', (c) => scimJson(c, schemasList(baseUrl(c))));
  app.get('/Schemas/:id', (c) => {
    const doc = schemaDocument(c.req.param('id'), baseUrl(c));
    if (!doc) throw new ScimError(404, `schema \`${c.req.param('id')}\` not found`);
    return scimJson(c, doc);
  });
  const readOnly = ['/ServiceProviderConfig', '/serviceConfiguration', '/ResourceTypes', '/ResourceTypes/:id', '/Schemas', '/Schemas/:id'];
  app.on(WRITES, readOnly, (c) => {
    throw new ScimError(405, `\`${c.req.method}\` is not allowed on \`${c.req.path}\`: discovery endpoints are read-only`);
  });
  return app;
}
