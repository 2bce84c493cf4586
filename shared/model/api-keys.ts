import * as z from 'zod';
import { iamIdSchema, idSchema, permissionSchema } from './identity.ts';

/** `{keyId}` of `DELETE /v1/api-keys/{keyId}`: bounded like every id that reaches a key (DynamoDB refuses keys over 2 KB). */
export const apiKeyParamsSchema = z.object({ keyId: idSchema.meta({ description: 'the `keyId` the key was created with' }) });

/** The body of `POST /v1/api-keys`: a user without `iamid` is in the default IAM. */
export const createApiKeyBodySchema = z.strictObject({
  principal: z.strictObject({ type: z.enum(['user', 'service']), id: idSchema, iamid: iamIdSchema.optional() }),
  name: z.string().min(1).max(256),
  permissions: z.array(permissionSchema).max(5).default([]).meta({ description: "what a service principal's key may do; a user's key carries the user's permissions" }),
});

/** A created API key: the key itself only in this answer (it is stored as a SHA-256 hash). */
export const createdApiKeyView = z.object({ keyId: z.string(), apiKey: z.string() });

/** The calling credential as `GET /v1/api-keys/current` describes it. */
export const currentCallerView = z
  .object({
    principal: z.discriminatedUnion('type', [
      z.object({ type: z.literal('user'), iamid: z.string(), id: z.string() }),
      z.object({ type: z.literal('service'), id: z.string() }),
    ]),
    label: z.string().meta({ description: '`user:iamid/userid` or `service:id`' }),
    permissions: z.array(permissionSchema).readonly(),
    via: z.enum(['api-key', 'bootstrap', 'impersonation']),
    keyId: z.string().optional().meta({ description: 'the key, unless it is the bootstrap key' }),
  })
  .meta({ id: 'CurrentCaller' });
