import type { Context } from 'hono';
import type { AppEnv } from '#shared/http/context.ts';
import { badRequest } from '#shared/http/errors.ts';
import { RouteGroup } from '#shared/http/route-group.ts';
import { decide, decideBatch } from '#shared/http/routes/policy.ts';
import { withDefaultIam, type UserInput } from '#shared/model/decision.ts';
import type { UserRef } from '#shared/model/identity.ts';
import type { DecisionService } from '#shared/decision-service/index.ts';

/**
 * The user a decision is about: the one named (the route's guard has let the caller ask about
 * it), else the calling user itself (the impersonated user under impersonation).
 */
function subjectOf(c: Context<AppEnv>, named: UserInput | undefined): UserRef {
  if (named) return withDefaultIam(named, c.get('defaultIam'));
  const { principal } = c.get('caller');
  if (principal.type !== 'user') throw badRequest('`user`: required when the caller is a service account');
  return { iamid: principal.iamid, userid: principal.id };
}

/** `POST /v1/decisions`, `POST /v1/decisions/batch`: explained, audited access decisions. */
export function decisionRoutes(decisions: DecisionService): RouteGroup {
  const app = new RouteGroup('/v1/decisions');
  const contextOf = (c: Context<AppEnv>) => ({ caller: c.get('caller'), requestId: c.get('requestId') });

  app.serve(decide, async (c, { body }) => c.json(await decisions.decide(contextOf(c), subjectOf(c, body.user), body.dataSource, body.dialect), 200));

  app.serve(decideBatch, async (c, { body }) => {
    const ids = [...new Set(body.dataSources)];
    return c.json({ decisions: await decisions.decideMany(contextOf(c), subjectOf(c, body.user), ids, body.dialect) }, 200);
  });

  return app;
}
