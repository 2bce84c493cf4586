import * as z from 'zod';
import { idSchema } from './identity.ts';

const STATES = ['pending', 'approved', 'denied'] as const;
const reason = z.string().max(2000).optional();

/** The body of `POST /v1/access-requests`: access to one source, for the calling user. */
export const accessRequestBodySchema = z.strictObject({ dataSource: idSchema, reason });

/** The body of `POST /v1/access-requests/{id}/approve`. */
export const approveBodySchema = z.strictObject({
  expiresAt: z.iso.datetime({ offset: true }).optional().meta({ description: 'when the access ends, in the future; absent: never' }),
  reason: reason.meta({ description: "the decider's comment, kept with the request" }),
});

/** The body of `POST /v1/access-requests/{id}/deny`. */
export const denyBodySchema = z.strictObject({ reason: reason.meta({ description: "the decider's comment, kept with the request" }) });

/** The query of `GET /v1/access-requests`. */
export const accessRequestListQuerySchema = z.strictObject({
  dataSource: idSchema.optional().meta({ description: "the source whose requests to list; absent: the caller's own" }),
  state: z.enum(STATES).optional(),
  toDecide: z
    .enum(['true'])
    .optional()
    .meta({ description: '`true`: the pending requests the caller may decide, oldest first (all of them for `GOVERNANCE`, those on its sources for an owner); with no other parameter' }),
});

/** `{id}` of one request: an unknown or malformed id is a 404 alike. */
export const accessRequestParamsSchema = z.object({ id: z.string().meta({ description: 'the id the request was answered with' }) });

/** A user's request to query one data source, and what an owner or governor decided. */
export const accessRequestView = z
  .object({
    id: z.string(),
    iamid: z.string(),
    userid: z.string(),
    dataSource: z.string(),
    state: z.enum(STATES),
    reason: z.string().optional(),
    createdAt: z.iso.datetime(),
    decidedAt: z.iso.datetime().optional(),
    decidedBy: z.string().optional().meta({ description: 'the decider: `iamid/userid`, or `service:name`' }),
    decisionReason: z.string().optional().meta({ description: "the decider's comment (`reason` of the approval or denial)" }),
    expiresAt: z.iso.datetime({ offset: true }).optional().meta({ description: 'approved only: when the access ends (absent: never)' }),
  })
  .meta({ id: 'AccessRequest' });

/** A list of access requests. */
export const accessRequestListView = z.object({ requests: z.array(accessRequestView) });
