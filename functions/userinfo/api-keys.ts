import { newSecret, sha256Hex } from '#shared/auth/secrets.ts';
import { auditIdentity } from '#shared/auth/caller.ts';
import { changeAudit } from '#shared/http/audit.ts';
import { notFound } from '#shared/http/errors.ts';
import { RouteGroup } from '#shared/http/route-group.ts';
import { createApiKey, deleteApiKey, getCurrentCaller } from '#shared/http/routes/iams.ts';
import { principalLabel, type Principal } from '#shared/model/identity.ts';
import type { Services } from '#shared/services.ts';

/** `POST /v1/api-keys`, `DELETE /v1/api-keys/{keyId}` (USER_ADMIN), `GET /v1/api-keys/current` (any key). */
export function apiKeyRoutes(services: Pick<Services, 'apiKeys' | 'authenticator' | 'config'>): RouteGroup {
  const app = new RouteGroup('/v1/api-keys');

  app.serve(createApiKey, async (c, { body }) => {
    // A user's key is bound to the user's uid: it never acts for a later user of the same userid.
    const principal: Principal =
      body.principal.type === 'user'
        ? { type: 'user', iamid: body.principal.iamid ?? services.config.defaultIam, id: body.principal.id }
        : { type: 'service', id: body.principal.id };
    const permissions = principal.type === 'service' ? body.permissions : [];
    const apiKey = newSecret('wdn');
    const record = await services.apiKeys.create(
      { hash: sha256Hex(apiKey), name: body.name, principal, permissions, createdBy: auditIdentity(c.get('caller')).userId },
      changeAudit(c, { action: 'CREATE', targetType: 'apiKey', targets: [principal.id], payload: { name: body.name, principal, permissions } }),
    );
    return c.json({ keyId: record.keyId, apiKey }, 201);
  });

  app.serve(getCurrentCaller, (c) => {
    const caller = c.get('caller');
    const permissions = [...caller.permissions].sort();
    return c.json({ principal: caller.principal, label: principalLabel(caller.principal), permissions, via: caller.via, ...(caller.keyId ? { keyId: caller.keyId } : {}) }, 200);
  });

  app.serve(deleteApiKey, async (c, { params: { keyId } }) => {
    const record = await services.apiKeys.getById(keyId);
    if (!record) throw notFound(`api key \`${keyId}\` not found`);
    await services.apiKeys.delete(
      record,
      changeAudit(c, { action: 'DELETE', targetType: 'apiKey', targets: [keyId], payload: { name: record.name, principal: record.principal } }),
    );
    // Other instances drop it within the cache time; this one at once.
    services.authenticator.forget(record.hash);
    return c.body(null, 204);
  });

  return app;
}
