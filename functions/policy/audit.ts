import { badRequest } from '#shared/http/errors.ts';
import { RouteGroup } from '#shared/http/route-group.ts';
import { queryAudit } from '#shared/http/routes/policy.ts';
import { MAX_WALK_DAYS } from '#shared/model/audit.ts';
import type { Services } from '#shared/services.ts';

const DAY_MS = 86_400_000;

/**
 * `GET /v1/audit?userid=&iamid=&action=&from=&to=&limit=&cursor=`: newest first, paginated.
 * `userid` is bare and matches that user of every IAM and the service of that id; `iamid`
 * narrows it to one user.
 */
export function auditRoutes(services: Pick<Services, 'audit'>): RouteGroup {
  const app = new RouteGroup('/v1/audit');

  app.serve(queryAudit, async (c, { query: q }) => {
    const to = q.to ?? new Date().toISOString();
    const from = q.from ?? new Date(Date.parse(to) - 30 * DAY_MS).toISOString();
    if (from > to) throw badRequest('invalid query: `from` is after `to`');
    if (q.iamid !== undefined && q.userid === undefined) throw badRequest('invalid query: `iamid` narrows `userid` and needs it');
    if (q.userid === undefined && q.action === undefined && Date.parse(to) - Date.parse(from) > MAX_WALK_DAYS * DAY_MS) {
      throw badRequest(`invalid query: without \`userid\` or \`action\`, \`from\` and \`to\` may be at most ${MAX_WALK_DAYS} days apart`);
    }
    const page = await services.audit.query({
      from,
      to,
      limit: q.limit,
      cursor: q.cursor ?? null,
      ...(q.userid !== undefined ? { userid: q.userid } : {}),
      ...(q.iamid !== undefined ? { iamid: q.iamid } : {}),
      ...(q.action !== undefined ? { action: q.action } : {}),
    });
    return c.json(page, 200);
  });

  return app;
}
