import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { csrfTokenOf, SESSION_COOKIE } from '#shared/auth/console-session.ts';
import type { Caller } from '#shared/auth/caller.ts';
import { sha256Hex } from '#shared/auth/secrets.ts';
import { credential } from '#shared/http/auth.ts';
import { changeAudit } from '#shared/http/audit.ts';
import type { AppEnv } from '#shared/http/context.ts';
import { forbidden, notFound } from '#shared/http/errors.ts';
import { RouteGroup } from '#shared/http/route-group.ts';
import { createConsoleSession, deleteConsoleSession, getConsoleSession, getUserCatalog, listIams, listUsers } from '#shared/http/routes/console.ts';
import type { DecidingServices } from '#shared/services.ts';
import { catalogPage } from './catalog.ts';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** The cookie's attributes: `Secure` everywhere but on loopback, where `npm start` serves plain HTTP. */
function cookieOptions(c: Context<AppEnv>, maxAge?: number) {
  const secure = !LOOPBACK.has(new URL(c.req.url).hostname);
  return { path: '/', httpOnly: true, sameSite: 'Strict' as const, secure, ...(maxAge !== undefined ? { maxAge } : {}) };
}

/** The view of a session: who, what it may do, until when, and the CSRF token of its cookie. */
function sessionView(caller: Caller, session: { readonly id: string; readonly expiresAt: number }, secret: string) {
  const p = caller.principal;
  return {
    id: session.id,
    principal: p.type === 'user' ? { type: 'user' as const, iamid: p.iamid, id: p.id } : { type: 'service' as const, id: p.id },
    permissions: [...caller.permissions].sort(),
    expiresAt: new Date(session.expiresAt * 1000).toISOString(),
    csrfToken: csrfTokenOf(secret),
  };
}

/** The session of the request's cookie: 404 when the request came with another credential. */
function currentSession(c: Context<AppEnv>): { session: NonNullable<Caller['consoleSession']>; secret: string } {
  const session = c.get('caller').consoleSession;
  const secret = getCookie(c, SESSION_COOKIE);
  if (!session || !secret) throw notFound('the request carried no console session cookie');
  return { session, secret };
}

/**
 * `POST|GET|DELETE /v1/console/session` (sign in, the session, sign out), `GET /v1/users`,
 * `GET /v1/iams` and `GET /v1/users/{iamid}/{userid}/catalog`: what the console needs besides
 * the routes every client uses.
 */
export function consoleRoutes(services: Pick<DecidingServices, 'consoleSessions' | 'users' | 'iams' | 'accessRequests' | 'decisions' | 'config'>): RouteGroup {
  const app = new RouteGroup('/v1');

  app.serve(createConsoleSession, async (c) => {
    const caller = c.get('caller');
    const key = credential(c.req.header('authorization'));
    if (!key || caller.consoleSession || (caller.via !== 'api-key' && caller.via !== 'bootstrap')) throw forbidden('only an api key signs in to the console');
    const started = await services.consoleSessions.start(caller, sha256Hex(key), (record) =>
      changeAudit(c, { action: 'SIGN_IN', targetType: 'consoleSession', targets: [record.id], payload: { expiresAt: new Date(record.expiresAt * 1000).toISOString() } }),
    );
    setCookie(c, SESSION_COOKIE, started.secret, cookieOptions(c, services.config.consoleSessionTtlSeconds));
    return c.json(sessionView(caller, started.record, started.secret), 201);
  });

  app.serve(getConsoleSession, (c) => {
    const { session, secret } = currentSession(c);
    return c.json(sessionView(c.get('caller'), session, secret), 200);
  });

  app.serve(deleteConsoleSession, async (c) => {
    const { session, secret } = currentSession(c);
    await services.consoleSessions.end(secret, changeAudit(c, { action: 'SIGN_OUT', targetType: 'consoleSession', targets: [session.id], payload: {} }));
    deleteCookie(c, SESSION_COOKIE, cookieOptions(c));
    return c.body(null, 204);
  });

  app.serve(listUsers, async (c, { query }) => {
    const page = await services.users.list(query.iamid ?? services.config.defaultIam, { limit: query.limit, cursor: query.cursor ?? null });
    const users = page.users.map((u) => ({ iamid: u.iamid, userid: u.userid, displayName: u.displayName, active: u.active, permissions: [...u.permissions] }));
    return c.json({ users, nextCursor: page.cursor }, 200);
  });

  app.serve(listIams, async (c) => {
    const iams = (await services.iams.list()).map((i) => ({ id: i.id, name: i.name }));
    return c.json({ iams }, 200);
  });

  app.serve(getUserCatalog, async (c, { params, query }) => {
    const visible = await services.decisions.visible({ caller: c.get('caller'), requestId: c.get('requestId') }, params);
    const requests = await services.accessRequests.ofUser(params.iamid, params.userid);
    return c.json(catalogPage(visible, requests, query), 200);
  });

  return app;
}
