import { Hono } from 'hono';
import * as z from 'zod';
import { readBody, readQuery } from '#shared/http/body.ts';
import type { AppEnv } from '#shared/http/context.ts';
import { badRequest } from '#shared/http/errors.ts';
import { impersonate, impersonateBodySchema, type ImpersonationDeps } from '#shared/impersonation/impersonate.ts';
import { endSession, endSessionsOf, listSessions, readSession } from '#shared/impersonation/session-admin.ts';
import type { SessionRecord } from '#shared/model/impersonation.ts';
import { parseLabel, parseUserRef } from '#shared/impersonation/settings.ts';
import { idSchema, type Principal } from '#shared/model/identity.ts';

const wire = (p: Principal) => (p.type === 'user' ? { type: p.type, id: p.id, iamid: p.iamid } : { type: p.type, id: p.id });
const iso = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString();

function view(s: SessionRecord) {
  return { sessionId: s.sessionId, user: s.user, impersonator: wire(s.impersonator), createdAt: s.createdAt, updatedAt: s.updatedAt, expiresAt: iso(s.expiresAt) };
}

function sessionId(raw: string): string {
  if (!idSchema.safeParse(raw).success) throw badRequest(`invalid session id \`${raw.slice(0, 64)}\`: must be printable and must not contain \`#\``);
  return raw;
}

const impersonatorParam = z
  .string()
  .max(400)
  .transform((text, ctx) => parseLabel(text) ?? (ctx.addIssue({ code: 'custom', message: 'expected `service:<id>` or `user:<iamid>/<userid>`' }), z.NEVER));
const targetParam = z
  .string()
  .max(400)
  .transform((text, ctx) => parseUserRef(text) ?? (ctx.addIssue({ code: 'custom', message: 'expected `<iamid>/<userid>`' }), z.NEVER));

const addressSchema = z.strictObject({ impersonator: impersonatorParam.optional() });
const listSchema = z.strictObject({
  impersonator: impersonatorParam.optional(),
  target: targetParam.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(4096).optional(),
});
const bulkSchema = z.strictObject({ impersonator: impersonatorParam });

/**
 * `PUT|GET|DELETE /v1/impersonation/sessions/{sessionId}` (the caller's session, or with
 * `USER_ADMIN` the one of `?impersonator=`), `GET /v1/impersonation/sessions` and the bulk end
 * `DELETE /v1/impersonation/sessions?impersonator=…`.
 */
export function sessionRoutes(deps: ImpersonationDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/', async (c) => {
    const q = readQuery(c, listSchema);
    const page = await listSessions(deps, c.get('caller'), { impersonator: q.impersonator, target: q.target, limit: q.limit, cursor: q.cursor ?? null });
    return c.json({ sessions: page.sessions.map(view), nextCursor: page.nextCursor });
  });

  app.delete('/', async (c) => {
    const { impersonator } = readQuery(c, bulkSchema);
    const ended = await endSessionsOf(deps, c.get('caller'), impersonator, c.get('requestId'));
    return c.json({ ended });
  });

  app.put('/:sessionId', async (c) => {
    const id = sessionId(c.req.param('sessionId'));
    // A session is always its caller's: an administrator cannot mint in another's name.
    readQuery(c, z.strictObject({}));
    const body = await readBody(c, impersonateBodySchema);
    const minted = await impersonate(deps, c.get('caller'), id, body, c.get('requestId'));
    return c.json({
      sessionId: id,
      user: minted.session.user,
      impersonator: wire(minted.session.impersonator),
      token: minted.token,
      tokenType: 'Bearer',
      expiresAt: iso(minted.expiresAt),
    });
  });

  app.get('/:sessionId', async (c) => {
    const { impersonator } = readQuery(c, addressSchema);
    const session = await readSession(deps, c.get('caller'), sessionId(c.req.param('sessionId')), impersonator);
    return c.json(view(session));
  });

  app.delete('/:sessionId', async (c) => {
    const { impersonator } = readQuery(c, addressSchema);
    await endSession(deps, c.get('caller'), sessionId(c.req.param('sessionId')), impersonator, c.get('requestId'));
    return c.body(null, 204);
  });

  return app;
}
