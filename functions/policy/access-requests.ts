import type { Context } from 'hono';
import type { Caller } from '#shared/auth/caller.ts';
import { requireSelfOr } from '#shared/auth/permission.ts';
import { changeAudit } from '#shared/http/audit.ts';
import { readBody } from '#shared/http/body.ts';
import type { AppEnv } from '#shared/http/context.ts';
import { badRequest, forbidden, notFound } from '#shared/http/errors.ts';
import { RouteGroup } from '#shared/http/route-group.ts';
import { approveAccessRequest, denyAccessRequest, getAccessRequest, listAccessRequests, requestAccess } from '#shared/http/routes/access-requests.ts';
import { accessRequestBodySchema, approveBodySchema, denyBodySchema } from '#shared/model/access-request.ts';
import { idSchema, type Principal, type UserRef } from '#shared/model/identity.ts';
import type { DecisionService } from '#shared/decision-service/index.ts';
import type { Services } from '#shared/services.ts';
import type { AccessRequest } from '#shared/store/access-requests.ts';

/** Who decided, naming the IAM: `okta/jdoe`, or `service:name` for a service principal. */
const deciderId = (p: Principal): string => (p.type === 'user' ? `${p.iamid}/${p.id}` : `service:${p.id}`);

/**
 * 403 with `refusal` unless the caller is one of `users` (a source's owners, the requester) or
 * holds `GOVERNANCE`: who may is a rule on stored data, so no route guard can say it.
 */
function requireOneOfOrGovernance(caller: Caller, users: readonly UserRef[], refusal: string): void {
  const p = caller.principal;
  const self = p.type === 'user' ? users.find((u) => u.iamid === p.iamid && u.userid === p.id) : undefined;
  requireSelfOr(caller, self, ['GOVERNANCE'], refusal);
}

/**
 * `POST /v1/access-requests`, `GET /v1/access-requests?dataSource=&state=` (a source's requests
 * for its owners and GOVERNANCE; without `dataSource`, the caller's own), `GET …/{id}`,
 * `POST …/{id}/approve|deny`.
 */
export function accessRequestRoutes(services: Pick<Services, 'catalog' | 'accessRequests'>, decisions?: Pick<DecisionService, 'forgetUser'>): RouteGroup {
  const app = new RouteGroup('/v1/access-requests');

  /** The request of the path and the owners of its source (none when the source is gone). */
  async function load(id: string): Promise<{ request: AccessRequest; owners: readonly UserRef[] }> {
    const request = idSchema.safeParse(id).success ? await services.accessRequests.get(id) : undefined;
    if (!request) throw notFound(`access request \`${id.slice(0, 100)}\` not found`);
    return { request, owners: (await services.catalog.getSource(request.dataSource))?.owners ?? [] };
  }

  /** The pending requests the caller may decide: every one for GOVERNANCE, else those on the sources it owns. */
  async function toDecide(caller: Caller): Promise<AccessRequest[]> {
    const pending = await services.accessRequests.pending();
    if (caller.permissions.has('GOVERNANCE')) return pending;
    const p = caller.principal;
    if (p.type !== 'user') return [];
    const owns = new Map<string, boolean>();
    for (const id of new Set(pending.map((r) => r.dataSource))) {
      const owners = (await services.catalog.getSource(id))?.owners ?? [];
      owns.set(id, owners.some((o) => o.iamid === p.iamid && o.userid === p.id));
    }
    return pending.filter((r) => owns.get(r.dataSource));
  }

  app.serve(requestAccess, async (c) => {
    const caller = c.get('caller');
    if (caller.principal.type !== 'user') throw forbidden('only a user may request access, for itself');
    const body = await readBody(c, accessRequestBodySchema);
    if (!(await services.catalog.getSource(body.dataSource))) throw notFound(`data source \`${body.dataSource}\` not found`);
    const { iamid, id: userid } = caller.principal;
    const request = await services.accessRequests.create({ iamid, userid, dataSource: body.dataSource, ...(body.reason ? { reason: body.reason } : {}) }, (id) =>
      changeAudit(c, { action: 'REQUEST_ACCESS', targetType: 'accessRequest', targets: [id, body.dataSource], payload: { dataSource: body.dataSource } }),
    );
    return c.json(request, 201);
  });

  app.serve(listAccessRequests, async (c, { query }) => {
    const caller = c.get('caller');
    let requests: AccessRequest[];
    if (query.toDecide) {
      if (query.dataSource || query.state) throw badRequest('`toDecide`: takes no `dataSource` nor `state`');
      requests = await toDecide(caller);
    } else if (query.dataSource) {
      const source = await services.catalog.getSource(query.dataSource);
      if (!source) throw notFound(`data source \`${query.dataSource}\` not found`);
      requireOneOfOrGovernance(caller, source.owners, 'only an owner of the data source or `GOVERNANCE` may list its requests');
      requests = await services.accessRequests.ofSource(query.dataSource);
    } else {
      if (caller.principal.type !== 'user') throw badRequest('`dataSource`: required when the caller is a service account');
      requests = await services.accessRequests.ofUser(caller.principal.iamid, caller.principal.id);
    }
    return c.json({ requests: query.state ? requests.filter((r) => r.state === query.state) : requests }, 200);
  });

  app.serve(getAccessRequest, async (c, { params }) => {
    const { request, owners } = await load(params.id);
    const requester = { iamid: request.iamid, userid: request.userid };
    requireOneOfOrGovernance(c.get('caller'), [requester, ...owners], 'only the requester, an owner of the data source or `GOVERNANCE` may read this request');
    return c.json(request, 200);
  });

  /** Approves or denies the request of the path, for an owner of its source or GOVERNANCE. */
  async function decide(c: Context<AppEnv>, id: string, verdict: 'approve' | 'deny') {
    const { request, owners } = await load(id);
    requireOneOfOrGovernance(c.get('caller'), owners, 'only an owner of the data source or `GOVERNANCE` may decide access requests');
    let expiresAt: string | undefined;
    let reason: string | undefined;
    if (verdict === 'approve') {
      ({ expiresAt, reason } = await readBody(c, approveBodySchema, { optional: true }));
      if (expiresAt && Date.parse(expiresAt) <= Date.now()) throw badRequest('`expiresAt`: must be in the future');
    } else {
      ({ reason } = await readBody(c, denyBodySchema, { optional: true }));
    }
    const decidedBy = deciderId(c.get('caller').principal);
    const decided = await services.accessRequests.decide(
      request,
      { state: verdict === 'approve' ? 'approved' : 'denied', decidedBy, expiresAt, reason },
      changeAudit(c, { action: verdict === 'approve' ? 'APPROVE_ACCESS' : 'DENY_ACCESS', targetType: 'accessRequest', targets: [request.id, request.dataSource], payload: {
        user: { iamid: request.iamid, userid: request.userid },
        decidedBy,
        ...(expiresAt ? { expiresAt } : {}),
        ...(reason ? { reason } : {}),
      } }),
    );
    // The requester's decisions on this instance change at once; elsewhere within the user cache time.
    decisions?.forgetUser({ iamid: request.iamid, userid: request.userid });
    return decided;
  }

  app.serve(approveAccessRequest, async (c, { params }) => c.json(await decide(c, params.id, 'approve'), 200));
  app.serve(denyAccessRequest, async (c, { params }) => c.json(await decide(c, params.id, 'deny'), 200));

  return app;
}
