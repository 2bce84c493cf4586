import * as z from 'zod';
import { iamIdSchema } from './identity.ts';

/** Without `userid` or `action`, day partitions are walked one by one: bounded by retention. */
export const MAX_WALK_DAYS = 366;

const instant = z
  .string()
  .max(64)
  .refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO-8601 date or time')
  .transform((s) => new Date(s).toISOString());

/** The query of `GET /v1/audit`. */
export const auditQuerySchema = z.strictObject({
  userid: z.string().min(1).max(256).optional().meta({ description: 'a bare id: that user of every IAM, and the service of that id' }),
  iamid: iamIdSchema.optional().meta({ description: 'narrows `userid` to the user of one IAM; needs `userid`' }),
  action: z.string().min(1).max(128).optional(),
  from: instant.optional().meta({ description: 'inclusive; default: 30 days before `to`' }),
  to: instant.optional().meta({ description: 'inclusive; default: now' }),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(4096).optional().meta({ description: 'the `nextCursor` of the previous page of the same query' }),
});

const actorView = z.discriminatedUnion('type', [
  z.object({ type: z.literal('user'), iamid: z.string(), id: z.string() }),
  z.object({ type: z.enum(['service', 'iam', 'bootstrap', 'anonymous']), id: z.string() }),
]);

/** One audit record, Immuta's universal audit model. */
export const auditRecordView = z
  .object({
    id: z.string(),
    action: z.string(),
    actionStatus: z.enum(['SUCCESS', 'FAILURE', 'UNAUTHORIZED']),
    eventTimestamp: z.iso.datetime(),
    actor: actorView,
    userId: z.string().meta({ description: 'the one acted as, qualified: `iamid/userid`, `service:<id>`, `iam:<id>`, `bootstrap:admin` or `anonymous`' }),
    impersonationUser: z.string().optional().meta({ description: 'the impersonator, under impersonation' }),
    targetType: z.string(),
    targets: z.array(z.string()).readonly(),
    payload: z.record(z.string(), z.unknown()),
    requestId: z.string().optional().meta({ description: "Warden's id of the request (its `x-request-id` answer header)" }),
    clientRequestId: z.string().optional().meta({ description: 'the `x-request-id` the client sent' }),
    sessionId: z.string().optional(),
  })
  .meta({ id: 'AuditRecord' });

/** A page of audit records, newest first; `nextCursor` is null on the last. */
export const auditPageView = z.object({ records: z.array(auditRecordView).readonly(), nextCursor: z.string().nullable() });
