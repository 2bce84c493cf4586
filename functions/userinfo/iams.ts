import { Hono } from 'hono';
import * as z from 'zod';
import { auditIdentity } from '#shared/auth/caller.ts';
import { newSecret, sha256Hex } from '#shared/auth/secrets.ts';
import { readBody } from '#shared/http/body.ts';
import type { AppEnv } from '#shared/http/context.ts';
import { requirePermission } from '#shared/http/auth.ts';
import { notFound } from '#shared/http/errors.ts';
import { attributeKeySchema, iamIdSchema } from '#shared/model/identity.ts';
import type { Services } from '#shared/services.ts';
import type { ExternalSource, IamRecord } from '#shared/store/iams.ts';
import { syncIam } from '#shared/userinfo/sync.ts';
import type { AllowedHost } from '#shared/config.ts';
import { refusedHost } from '#shared/userinfo/target.ts';
import { externalSourceJson, toIamJson } from './iam-json.ts';
import { changeAudit } from '#shared/http/audit.ts';
import { pathParam } from './params.ts';

const createIamSchema = z.strictObject({
  id: iamIdSchema,
  name: z.string().min(1).max(256),
  scim: z.boolean().default(false),
});

const updateIamSchema = z.strictObject({
  name: z.string().min(1).max(256).optional(),
  trustedForPolicies: z.boolean().optional(),
  scim: z
    .strictObject({
      attributeMappings: z.array(z.strictObject({ from: z.string().min(1).max(512), to: attributeKeySchema })).max(500),
    })
    .optional(),
});

/** The URL, or undefined when the text is not one (refinements run even after `z.url()` fails). */
const urlOf = (text: string): URL | undefined => (URL.canParse(text) ? new URL(text) : undefined);

const httpUri = z
  .url()
  .max(2048)
  .refine((u) => /^https?:$/.test(urlOf(u)?.protocol ?? ''), 'must be an `http` or `https` url')
  // Credentials belong in `auth`, where they are kept out of answers and audit records.
  .refine((u) => !urlOf(u)?.username && !urlOf(u)?.password, 'must not carry credentials; use `auth`');

/**
 * The body of `PUT /v1/iams/{iamid}/external-source`. The host must not be a loopback,
 * link-local, private or other non-public address (after `URL` normalised it) unless allowed;
 * names are checked again, resolved, at every fetch.
 */
function externalSourceSchema(allowedHosts: readonly AllowedHost[]) {
  return z.strictObject({
    uri: httpUri.superRefine((u, ctx) => {
      const url = urlOf(u);
      const refused = url && refusedHost(url, allowedHosts);
      if (url && refused) {
        ctx.addIssue({ code: 'custom', message: `host \`${url.hostname}\` is ${refused}; only hosts listed in WARDEN_EXTERNAL_SOURCE_ALLOWED_HOSTS may be` });
      }
    }),
    auth: z
      .discriminatedUnion('type', [
        z.strictObject({ type: z.literal('none') }),
        z.strictObject({ type: z.literal('basic'), username: z.string().min(1).max(256).regex(/^[^:]*$/, 'must not contain `:`'), password: z.string().min(1).max(1024) }),
      ])
      .default({ type: 'none' }),
    ttlSeconds: z.int().min(0).max(86_400).default(300),
  });
}

/** `/v1/iams`: identity providers, their SCIM mapping, external source and sync (USER_ADMIN). */
export function iamRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const sourceSchema = externalSourceSchema(services.config.externalSourceAllowedHosts);

  async function requireIamRecord(iamid: string): Promise<IamRecord> {
    const iam = await services.iams.get(iamid);
    if (!iam) throw notFound(`iam \`${iamid}\` not found`);
    return iam;
  }

  const trusted = (iamid: string): Promise<boolean> => services.iams.trustedForPolicies(iamid, services.config.defaultIam);

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

  app.get('/:iamid', async (c) => {
    requirePermission(c, 'USER_ADMIN');
    const iam = await requireIamRecord(pathParam(c, 'iamid', iamIdSchema));
    return c.json(toIamJson(iam, await trusted(iam.id)));
  });

  app.put('/:iamid', async (c) => {
    requirePermission(c, 'USER_ADMIN');
    const iamid = pathParam(c, 'iamid', iamIdSchema);
    const body = await readBody(c, updateIamSchema);
    const current = await requireIamRecord(iamid);
    const next = await services.iams.update(
      current,
      {
        ...(body.name ? { name: body.name } : {}),
        ...(body.scim ? { scim: { ...current.scim, attributeMappings: body.scim.attributeMappings } } : {}),
      },
      changeAudit(c, { action: 'UPDATE', targetType: 'iam', targets: [iamid], payload: { iamid, ...body } }),
      body.trustedForPolicies,
    );
    return c.json(toIamJson(next, await trusted(iamid)));
  });

  app.put('/:iamid/external-source', async (c) => {
    requirePermission(c, 'USER_ADMIN');
    const iamid = pathParam(c, 'iamid', iamIdSchema);
    const body = await readBody(c, sourceSchema);
    const current = await requireIamRecord(iamid);
    const externalSource: ExternalSource = { uri: body.uri, auth: body.auth, ttlSeconds: body.ttlSeconds };
    const next = await services.iams.update(
      current,
      { externalSource },
      changeAudit(c, {
        action: 'SET_EXTERNAL_SOURCE',
        targetType: 'iam',
        targets: [iamid],
        payload: { iamid, ...externalSourceJson(externalSource) },
      }),
    );
    return c.json(toIamJson(next, await trusted(iamid)));
  });

  app.post('/:iamid/sync', async (c) => {
    requirePermission(c, 'USER_ADMIN');
    const iamid = pathParam(c, 'iamid', iamIdSchema);
    const result = await syncIam(services, iamid);
    await services.audit.write(changeAudit(c, { action: 'SYNC', targetType: 'iam', targets: [iamid], payload: { ...result } }));
    return c.json(result);
  });

  return app;
}
