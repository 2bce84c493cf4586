import { newSecret, sha256Hex } from '#shared/auth/secrets.ts';
import { changeAudit } from '#shared/http/audit.ts';
import { readBody } from '#shared/http/body.ts';
import { notFound } from '#shared/http/errors.ts';
import { RouteGroup } from '#shared/http/route-group.ts';
import { createIam, getIam, putIamExternalSource, syncIam as syncIamRoute, updateIam } from '#shared/http/routes/iams.ts';
import { externalSourceBodySchema } from '#shared/model/iams.ts';
import type { ExternalSource, IamRecord } from '#shared/store/iams.ts';
import type { RefreshServices } from '#shared/userinfo/refresh.ts';
import { syncIam } from '#shared/userinfo/sync.ts';
import { refusedHost } from '#shared/userinfo/target.ts';
import { externalSourceJson, toIamJson } from './iam-json.ts';

/** `/v1/iams`: identity providers, their SCIM mapping, external source and sync (USER_ADMIN). */
export function iamRoutes(services: RefreshServices): RouteGroup {
  const app = new RouteGroup('/v1/iams');
  const sourceSchema = externalSourceBodySchema((url) => refusedHost(url, services.config.externalSourceAllowedHosts));

  async function requireIamRecord(iamid: string): Promise<IamRecord> {
    const iam = await services.iams.get(iamid);
    if (!iam) throw notFound(`iam \`${iamid}\` not found`);
    return iam;
  }

  const trusted = (iamid: string): Promise<boolean> => services.iams.trustedForPolicies(iamid, services.config.defaultIam);

  app.serve(createIam, async (c, { body }) => {
    const scimToken = body.scim ? newSecret('scim') : undefined;
    await services.iams.create(
      { id: body.id, name: body.name, scim: { enabled: body.scim, ...(scimToken ? { tokenHash: sha256Hex(scimToken) } : {}) } },
      changeAudit(c, { action: 'CREATE', targetType: 'iam', targets: [body.id], payload: { name: body.name, scim: body.scim } }),
    );
    return c.json({ id: body.id, ...(scimToken ? { scimToken } : {}) }, 201);
  });

  app.serve(getIam, async (c, { params }) => {
    const iam = await requireIamRecord(params.iamid);
    return c.json(toIamJson(iam, await trusted(iam.id)), 200);
  });

  app.serve(updateIam, async (c, { params: { iamid }, body }) => {
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
    return c.json(toIamJson(next, await trusted(iamid)), 200);
  });

  app.serve(putIamExternalSource, async (c, { params: { iamid } }) => {
    const body = await readBody(c, sourceSchema);
    const current = await requireIamRecord(iamid);
    const externalSource: ExternalSource = { uri: body.uri, auth: body.auth, ttlSeconds: body.ttlSeconds };
    const audit = changeAudit(c, { action: 'SET_EXTERNAL_SOURCE', targetType: 'iam', targets: [iamid], payload: { iamid, ...externalSourceJson(externalSource) } });
    const next = await services.iams.update(current, { externalSource }, audit);
    return c.json(toIamJson(next, await trusted(iamid)), 200);
  });

  app.serve(syncIamRoute, async (c, { params: { iamid } }) => {
    const result = await syncIam(services, iamid);
    await services.audit.write(changeAudit(c, { action: 'SYNC', targetType: 'iam', targets: [iamid], payload: { ...result } }));
    return c.json(result, 200);
  });

  return app;
}
