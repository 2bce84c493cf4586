import { RouteGroup } from '#shared/http/route-group.ts';
import {
  endImpersonationSession,
  endImpersonationSessions,
  getImpersonationSession,
  listImpersonationSessions,
  putImpersonationSession,
} from '#shared/http/routes/impersonation.ts';
import { impersonate, type ImpersonationDeps } from '#shared/impersonation/impersonate.ts';
import { endSession, endSessionsOf, listSessions, readSession } from '#shared/impersonation/session-admin.ts';
import type { Principal } from '#shared/model/identity.ts';
import type { SessionRecord } from '#shared/model/impersonation.ts';

const wire = (p: Principal) => (p.type === 'user' ? { type: p.type, id: p.id, iamid: p.iamid } : { type: p.type, id: p.id });
const iso = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString();

function view(s: SessionRecord) {
  return { sessionId: s.sessionId, user: s.user, impersonator: wire(s.impersonator), createdAt: s.createdAt, updatedAt: s.updatedAt, expiresAt: iso(s.expiresAt) };
}

/**
 * `PUT|GET|DELETE /v1/impersonation/sessions/{sessionId}` (the caller's session, or with
 * `USER_ADMIN` the one of `?impersonator=`), `GET /v1/impersonation/sessions` and the bulk end
 * `DELETE /v1/impersonation/sessions?impersonator=…`.
 */
export function sessionRoutes(deps: ImpersonationDeps): RouteGroup {
  const app = new RouteGroup('/v1/impersonation/sessions');

  app.serve(listImpersonationSessions, async (c, { query: q }) => {
    const page = await listSessions(deps, c.get('caller'), { impersonator: q.impersonator, target: q.target, limit: q.limit, cursor: q.cursor ?? null });
    return c.json({ sessions: page.sessions.map(view), nextCursor: page.nextCursor }, 200);
  });

  app.serve(endImpersonationSessions, async (c, { query }) => {
    const ended = await endSessionsOf(deps, c.get('caller'), query.impersonator, c.get('requestId'));
    return c.json({ ended }, 200);
  });

  app.serve(putImpersonationSession, async (c, { params, body }) => {
    const minted = await impersonate(deps, c.get('caller'), params.sessionId, body, c.get('requestId'));
    return c.json(
      {
        sessionId: params.sessionId,
        user: minted.session.user,
        impersonator: wire(minted.session.impersonator),
        token: minted.token,
        tokenType: 'Bearer' as const,
        expiresAt: iso(minted.expiresAt),
      },
      200,
    );
  });

  app.serve(getImpersonationSession, async (c, { params, query }) => {
    const session = await readSession(deps, c.get('caller'), params.sessionId, query.impersonator);
    return c.json(view(session), 200);
  });

  app.serve(endImpersonationSession, async (c, { params, query }) => {
    await endSession(deps, c.get('caller'), params.sessionId, query.impersonator, c.get('requestId'));
    return c.body(null, 204);
  });

  return app;
}
