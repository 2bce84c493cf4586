import { Hono } from 'hono';
import { readBody } from '#shared/http/body.ts';
import type { AppEnv } from '#shared/http/context.ts';
import { badRequest } from '#shared/http/errors.ts';
import { endSession, impersonate, impersonateBodySchema, readSession, type ImpersonationDeps } from '#shared/impersonation/impersonate.ts';
import type { SessionRecord } from '#shared/impersonation/sessions.ts';
import { idSchema, type Principal } from '#shared/model/identity.ts';
import { domain } from './errors.ts';

const wire = (p: Principal) => (p.type === 'user' ? { type: p.type, id: p.id, iamid: p.iamid } : { type: p.type, id: p.id });
const iso = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString();

function view(s: SessionRecord) {
  return { sessionId: s.sessionId, user: s.user, impersonator: wire(s.impersonator), createdAt: s.createdAt, updatedAt: s.updatedAt, expiresAt: iso(s.expiresAt) };
}

function sessionId(raw: string): string {
  if (!idSchema.safeParse(raw).success) throw badRequest(`invalid session id \`${raw.slice(0, 64)}\`: must be printable and must not contain \`#\``);
  return raw;
}

/** `PUT|GET|DELETE /v1/impersonation/sessions/{sessionId}`. */
export function sessionRoutes(deps: ImpersonationDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.put('/:sessionId', async (c) => {
    const id = sessionId(c.req.param('sessionId'));
    const body = await readBody(c, impersonateBodySchema);
    const minted = await domain(impersonate(deps, c.get('caller'), id, body, c.get('requestId')));
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
    const session = await domain(readSession(deps, c.get('caller'), sessionId(c.req.param('sessionId'))));
    return c.json(view(session));
  });

  app.delete('/:sessionId', async (c) => {
    await domain(endSession(deps, c.get('caller'), sessionId(c.req.param('sessionId')), c.get('requestId')));
    return c.body(null, 204);
  });

  return app;
}

