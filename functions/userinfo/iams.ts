import { Hono } from 'hono';
import { z } from 'zod';
import { auditIdentity } from '#shared/auth/caller.ts';
import { newSecret, sha256Hex } from '#shared/auth/secrets.ts';
import { readBody } from '#shared/http/body.ts';
import type { AppEnv } from '#shared/http/context.ts';
import { requirePermission } from '#shared/http/auth.ts';
import { iamIdSchema } from '#shared/model/identity.ts';
import type { Services } from '#shared/services.ts';

const createIamSchema = z.strictObject({
  id: iamIdSchema,
  name: z.string().min(1).max(256),
  scim: z.boolean().default(false),
});

/** `POST /v1/iams`: identity providers; with SCIM, a token shown once. */
export function iamRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post('/', async (c) => {
    const caller = requirePermission(c, 'USER_ADMIN');
    const body = await readBody(c, createIamSchema);
    const scimToken = body.scim ? newSecret('scim') : undefined;
    await services.iams.create(
      { id: body.id, name: body.name, scim: { enabled: body.scim, ...(scimToken ? { tokenHash: sha256Hex(scimToken) } : {}) } },
      {
        ...auditIdentity(caller),
        action: 'CREATE',
        actionStatus: 'SUCCESS',
        targetType: 'iam',
        targets: [body.id],
        payload: { name: body.name, scim: body.scim },
        requestId: c.get('requestId'),
      },
    );
    return c.json({ id: body.id, ...(scimToken ? { scimToken } : {}) }, 201);
  });

  return app;
}
