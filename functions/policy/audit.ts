import { Hono } from 'hono';
import * as z from 'zod';
import { readQuery } from '#shared/http/body.ts';
import type { AppEnv } from '#shared/http/context.ts';
import { requirePermission } from '#shared/http/auth.ts';
import { badRequest } from '#shared/http/errors.ts';
import { iamIdSchema } from '#shared/model/identity.ts';
import type { Services } from '#shared/services.ts';

const DAY_MS = 86_400_000;
/** Without `userid` or `action`, day partitions are walked one by one: bounded by retention. */
const MAX_WALK_DAYS = 366;

const instant = z
  .string()
  .max(64)
  .refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO-8601 date or time')
  .transform((s) => new Date(s).toISOString());

const querySchema = z.strictObject({
  userid: z.string().min(1).max(256).optional(),
  iamid: iamIdSchema.optional(),
  action: z.string().min(1).max(128).optional(),
  from: instant.optional(),
  to: instant.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(4096).optional(),
});

/**
 * `GET /v1/audit?userid=&iamid=&action=&from=&to=&limit=&cursor=` (AUDIT): newest first,
 * paginated. `userid` is bare and matches that user of every IAM and the service of that id;
 * `iamid` narrows it to one user.
 */
export function auditRoutes(services: Pick<Services, 'audit'>): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/', async (c) => {
    requirePermission(c, 'AUDIT');
    const q = readQuery(c, querySchema);
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
    return c.json(page);
  });

  return app;
}
