import * as z from 'zod';
import { dataSourceInputSchema } from './catalog.ts';
import { idSchema, userRefSchema } from './identity.ts';
import { userRefView } from './impersonation.ts';
import { policyDocumentSchema, policyKeySchema } from './policy.ts';

const MAX_DOCUMENTS = 1000;

/** How many changes an answer lists by default: every change of a small organisation's change set. */
export const DEFAULT_CHANGE_LIMIT = 10_000;
/** The most changes one answer lists (about 3.4 MB of JSON without masks; a byte cap keeps any answer under Lambda's 6 MB). */
export const MAX_CHANGE_LIMIT = 20_000;

const scope = {
  remove: z.array(policyKeySchema).max(MAX_DOCUMENTS).default([]).meta({ description: 'keys of current policies the change deletes' }),
  users: z.array(userRefSchema).min(1).max(10_000).optional().meta({ description: 'the users to compare; absent: every user' }),
  dataSources: z.array(idSchema).min(1).max(100_000).optional().meta({ description: 'the sources to compare; absent: every source' }),
  upsertDataSources: z
    .array(dataSourceInputSchema.extend({ id: idSchema }))
    .max(MAX_DOCUMENTS)
    .default([])
    .meta({ description: 'data sources the change creates or replaces (as `PUT /v1/data-sources/{id}` takes them, with `id`), simulated with the policies' }),
  removeDataSources: z.array(idSchema).max(MAX_DOCUMENTS).default([]).meta({ description: 'ids of current data sources the change deletes' }),
  limit: z
    .int()
    .min(0)
    .max(MAX_CHANGE_LIMIT)
    .default(DEFAULT_CHANGE_LIMIT)
    .meta({ description: 'the most changes listed (in data source id order, then user); the summary counts every change whatever the limit, and `changesOmitted` says how many were left out' }),
};

/**
 * The body of `POST /v1/simulations` as read: each document of `upsert` is checked by the
 * engine, whose message names which one is invalid.
 */
export const simulationBodySchema = z.strictObject({ upsert: z.array(z.unknown()).max(MAX_DOCUMENTS).default([]), ...scope });

/** The same body as documented, with the documents it takes. */
export const simulationDocumentedBodySchema = z.strictObject({
  upsert: z.array(policyDocumentSchema).max(MAX_DOCUMENTS).default([]).meta({ description: 'documents the change creates or replaces' }),
  ...scope,
});

const outcomeView = z.object({
  access: z.enum(['granted', 'denied']),
  discoverable: z.boolean(),
  maskedColumns: z.array(z.string()).readonly().optional().meta({ description: 'columns masked for the user, when granted' }),
  rowFilter: z.string().nullable().optional().meta({ description: 'the row filter (PostgreSQL), when granted' }),
});

const count = z.int().min(0);

const columnChangeView = z.object({ name: z.string(), before: z.enum(['clear', 'mask']), after: z.enum(['clear', 'mask']) });

/** The differences a policy change would make, and counts; writes nothing. */
export const simulationView = z
  .object({
    changes: z
      .array(
        z.object({
          user: userRefView,
          dataSource: z.string(),
          before: outcomeView,
          after: outcomeView,
          columns: z.array(columnChangeView).readonly().optional().meta({ description: 'granted before and after: the columns whose action changed' }),
        }),
      )
      .readonly()
      .meta({ description: 'the first changes (at most `limit`, and at most 4 MB of JSON), ordered by data source id, then by user (`iamid`, `userid`)' }),
    changesOmitted: count.meta({ description: 'how many changes past the limit are not listed; the summary counts them' }),
    summary: z.object({ gained: count, lost: count, masksChanged: count, rowFiltersChanged: count, usersEvaluated: count, dataSourcesEvaluated: count }),
  })
  .meta({ id: 'Simulation' });
