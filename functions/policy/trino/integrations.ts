import { principalLabel } from '#shared/model/identity.ts';
import { changeAudit } from '#shared/http/audit.ts';
import { notFound } from '#shared/http/errors.ts';
import { RouteGroup } from '#shared/http/route-group.ts';
import { createTrinoIntegration, deleteTrinoIntegration, listTrinoIntegrations, rotateTrinoIntegration } from '#shared/http/routes/trino.ts';
import type { Services } from '#shared/services.ts';
import type { TrinoIntegrationRecord } from '#shared/store/integrations.ts';
import { newCredential, type IntegrationCredentials } from './credential.ts';
import { accessControlProperties } from './properties.ts';

/** What the audit keeps of an integration: its settings, never its credential. */
const settingsOf = (r: Pick<TrinoIntegrationRecord, 'name' | 'iamid' | 'useridTemplate' | 'catalogs' | 'ungoverned'>) => ({
  ...(r.name !== undefined ? { name: r.name } : {}),
  iamid: r.iamid,
  ...(r.useridTemplate !== undefined ? { useridTemplate: r.useridTemplate } : {}),
  catalogs: r.catalogs,
  ungoverned: r.ungoverned,
});

/** An integration as the API shows it: its settings and who made it, never the credential's hash or the version. */
function view(r: TrinoIntegrationRecord) {
  return {
    id: r.id,
    ...settingsOf(r),
    createdAt: r.createdAt,
    createdBy: r.createdBy,
    ...(r.rotatedAt !== undefined ? { rotatedAt: r.rotatedAt } : {}),
  };
}

/** `POST|GET /v1/integrations/trino`, `POST /v1/integrations/trino/{id}/rotate`, `DELETE /v1/integrations/trino/{id}`. */
export function integrationRoutes(services: Pick<Services, 'integrations' | 'audit' | 'config'>, credentials: IntegrationCredentials): RouteGroup {
  const app = new RouteGroup('/v1/integrations/trino');
  const answer = (r: TrinoIntegrationRecord, credential: string) => ({
    integration: view(r),
    credential,
    accessControlProperties: accessControlProperties(services.config.issuer, r.id, credential),
  });

  app.serve(createTrinoIntegration, async (c, { body }) => {
    const { credential, hash } = newCredential();
    const createdBy = principalLabel(c.get('caller').principal);
    const saved = await services.integrations.create(body, hash, createdBy, changeAudit(c, { action: 'CREATE', targetType: 'trinoIntegration', targets: [body.id], payload: settingsOf(body) }));
    return c.json(answer(saved, credential), 201);
  });

  app.serve(listTrinoIntegrations, async (c) => {
    const all = await services.integrations.list();
    // Who looked at which clusters is audited like any change to them.
    await services.audit.write(changeAudit(c, { action: 'READ', targetType: 'trinoIntegrations', targets: all.slice(0, 100).map((r) => r.id), payload: { count: all.length } }));
    return c.json({ integrations: all.map(view) }, 200);
  });

  app.serve(rotateTrinoIntegration, async (c, { params: { id } }) => {
    const current = await services.integrations.get(id);
    if (!current) throw notFound(`integration \`${id}\` not found`);
    const { credential, hash } = newCredential();
    const saved = await services.integrations.rotate(current, hash, changeAudit(c, { action: 'ROTATE', targetType: 'trinoIntegration', targets: [id], payload: { version: current.version + 1 } }));
    credentials.forget(id);
    return c.json(answer(saved, credential), 200);
  });

  app.serve(deleteTrinoIntegration, async (c, { params: { id } }) => {
    await services.integrations.delete(id, changeAudit(c, { action: 'DELETE', targetType: 'trinoIntegration', targets: [id], payload: {} }));
    credentials.forget(id);
    return c.body(null, 204);
  });

  return app;
}
