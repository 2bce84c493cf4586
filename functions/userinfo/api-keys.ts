import { Hono } from 'hono';
import * as z from 'zod';
import { auditIdentity } from '#shared/auth/caller.ts';
import { newSecret, sha256Hex } from '#shared/auth/secrets.ts';
import { readBody } from '#shared/http/body.ts';
import type { AppEnv } from '#shared/http/context.ts';
import { requirePermission } from '#shared/http/auth.ts';
import { notFound } from '#shared/http/errors.ts';
import { iamIdSchema, idSchema, permissionSchema, type Principal } from '#shared/model/identity.ts';
import type { Services } from '#shared/services.ts';

const createKeySchema = z.strictObject({
  principal: z.strictObject({ type: z.enum(['user', 'service']), id: idSchema, iamid: iamIdSchema.optional() }),
  name: z.string().min(1).max(256),
  permissions: z.array(permissionSchema).max(5).default([]),
});

/** `POST /v1/api-keys`, `DELETE /v1/api-keys/{keyId}` (USER_ADMIN). */
export function apiKeyRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post('/', async (c) => {
    const caller = requirePermission(c, 'USER_ADMIN');
    const body = await readBody(c, createKeySchema);
    // A user's key is bound to the user's uid: it never acts for a later user of the same userid.
    const principal: Principal =
      body.principal.type === 'user'
        ? { type: 'user', iamid: body.principal.iamid ?? services.config.defaultIam, id: body.principal.id }
        : { type: 'service', id: body.principal.id };
    const apiKey = newSecret('wdn');
    const record = await services.apiKeys.create(
      {
        hash: sha256Hex(apiKey),
        name: body.name,
        principal,
        permissions: principal.type === 'service' ? body.permissions : [],
        createdBy: auditIdentity(caller).userId,
      },
      {
        ...auditIdentity(caller),
        action: 'CREATE',
        actionStatus: 'SUCCESS',
        targetType: 'apiKey',
        targets: [principal.id],
        payload: { name: body.name, principal, permissions: principal.type === 'service' ? body.permissions : [] },
        requestId: c.get('requestId'),
      },
    );
    return c.json({ keyId: record.keyId, apiKey }, 201);
  });

  app.delete('/:keyId', async (c) => {
    const caller = requirePermission(c, 'USER_ADMIN');
    const keyId = c.req.param('keyId');
    const record = await services.apiKeys.getById(keyId);
    if (!record) throw notFound(`api key \`${keyId}\` not found`);
    await services.apiKeys.delete(record, {
      ...auditIdentity(caller),
      action: 'DELETE',
      actionStatus: 'SUCCESS',
      targetType: 'apiKey',
      targets: [keyId],
      payload: { name: record.name, principal: record.principal },
      requestId: c.get('requestId'),
    });
    // Other instances drop it within the cache time; this one at once.
    services.authenticator.forget(record.hash);
    return c.body(null, 204);
  });

  return app;
}
