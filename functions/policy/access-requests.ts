import { Hono, type Context } from 'hono';
import * as z from 'zod';
import { readBody, readQuery } from '#shared/http/body.ts';
import type { AppEnv } from '#shared/http/context.ts';
import { badRequest, forbidden, notFound } from '#shared/http/errors.ts';
import { isOwner } from '#shared/model/catalog.ts';
import { idSchema, type Principal } from '#shared/model/identity.ts';
import type { Services } from '#shared/services.ts';
import type { AccessRequest } from '#shared/store/access-requests.ts';
import { changeAudit } from '#shared/http/audit.ts';

const createSchema = z.strictObject({ dataSource: idSchema, reason: z.string().max(2000).optional() });
const approveSchema = z.strictObject({ expiresAt: z.iso.datetime({ offset: true }).optional() });
const denySchema = z.strictObject({ reason: z.string().max(2000).optional() });
const listSchema = z.strictObject({ dataSource: idSchema.optional(), state: z.enum(['pending', 'approved', 'denied']).optional() });

/** Who decided, naming the IAM: `okta/jdoe`, or `service:name` for a service principal. */
const deciderId = (p: Principal): string => (p.type === 'user' ? `${p.iamid}/${p.id}` : `service:${p.id}`);

/** True when the caller is a user owning the source, by (iamid, userid). */
const ownedBy = (source: Parameters<typeof isOwner>[0] | undefined, p: Principal): boolean =>
  source !== undefined && p.type === 'user' && isOwner(source, p.iamid, p.id);

/**
 * `POST /v1/access-requests`, `GET /v1/access-requests?dataSource=&state=` (a source's requests
 * for its owners and GOVERNANCE; without `dataSource`, the caller's own), `GET …/{id}`,
 * `POST …/{id}/approve|deny`.
 */
export function accessRequestRoutes(services: Pick<Services, 'catalog' | 'accessRequests'>): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  /** The request and whether the caller may decide it: an owner of its source, or GOVERNANCE. */
  async function load(c: Context<AppEnv>): Promise<{ request: AccessRequest; mayDecide: boolean }> {
    const id = c.req.param('id') ?? '';
    const request = idSchema.safeParse(id).success ? await services.accessRequests.get(id) : undefined;
    if (!request) throw notFound(`access request \`${id.slice(0, 100)}\` not found`);
    const caller = c.get('caller');
    const source = await services.catalog.getSource(request.dataSource);
    return { request, mayDecide: ownedBy(source, caller.principal) || caller.permissions.has('GOVERNANCE') };
  }

  app.post('/', async (c) => {
    const caller = c.get('caller');
    if (caller.principal.type !== 'user') throw forbidden('only a user may request access, for itself');
    const body = await readBody(c, createSchema);
    if (!(await services.catalog.getSource(body.dataSource))) throw notFound(`data source \`${body.dataSource}\` not found`);
    const { iamid, id: userid } = caller.principal;
    const request = await services.accessRequests.create({ iamid, userid, dataSource: body.dataSource, ...(body.reason ? { reason: body.reason } : {}) }, (id) =>
      changeAudit(c, { action: 'REQUEST_ACCESS', targetType: 'accessRequest', targets: [id, body.dataSource], payload: { dataSource: body.dataSource } }),
    );
    return c.json(request, 201);
  });

  app.get('/', async (c) => {
    const query = readQuery(c, listSchema);
    const caller = c.get('caller');
    let requests: AccessRequest[];
    if (query.dataSource) {
      const source = await services.catalog.getSource(query.dataSource);
      if (!source) throw notFound(`data source \`${query.dataSource}\` not found`);
      if (!ownedBy(source, caller.principal) && !caller.permissions.has('GOVERNANCE')) throw forbidden('only an owner of the data source or `GOVERNANCE` may list its requests');
      requests = await services.accessRequests.ofSource(query.dataSource);
    } else {
      if (caller.principal.type !== 'user') throw badRequest('`dataSource`: required when the caller is a service account');
      requests = await services.accessRequests.ofUser(caller.principal.iamid, caller.principal.id);
    }
    return c.json({ requests: query.state ? requests.filter((r) => r.state === query.state) : requests });
  });

  app.get('/:id', async (c) => {
    const { request, mayDecide } = await load(c);
    const caller = c.get('caller');
    const requester = caller.principal.type === 'user' && caller.principal.iamid === request.iamid && caller.principal.id === request.userid;
    if (!mayDecide && !requester) throw forbidden('only the requester, an owner of the data source or `GOVERNANCE` may read this request');
    return c.json(request);
  });

  for (const verdict of ['approve', 'deny'] as const) {
    app.post(`/:id/${verdict}`, async (c) => {
      const { request, mayDecide } = await load(c);
      if (!mayDecide) throw forbidden('only an owner of the data source or `GOVERNANCE` may decide access requests');
      let expiresAt: string | undefined;
      if (verdict === 'approve') {
        expiresAt = (await readBody(c, approveSchema, { optional: true })).expiresAt;
        if (expiresAt && Date.parse(expiresAt) <= Date.now()) throw badRequest('`expiresAt`: must be in the future');
      } else {
        await readBody(c, denySchema, { optional: true });
      }
      const decidedBy = deciderId(c.get('caller').principal);
      const state = verdict === 'approve' ? 'approved' : 'denied';
      const next = await services.accessRequests.decide(
        request,
        state,
        decidedBy,
        expiresAt,
        changeAudit(c, { action: verdict === 'approve' ? 'APPROVE_ACCESS' : 'DENY_ACCESS', targetType: 'accessRequest', targets: [request.id, request.dataSource], payload: {
          user: { iamid: request.iamid, userid: request.userid },
          decidedBy,
          ...(expiresAt ? { expiresAt } : {}),
        } }),
      );
      return c.json(next);
    });
  }

  return app;
}
