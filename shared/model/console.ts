import * as z from 'zod';
import { accessRequestView } from './access-request.ts';
import { dataSourceView, tagSchema } from './catalog.ts';
import { iamIdSchema, idSchema, permissionSchema } from './identity.ts';
import { principalView, userRefView } from './impersonation.ts';

/** A console sign-in as its pages see it: who, what it may do, until when, and the CSRF token of its changes. */
export const consoleSessionView = z
  .object({
    id: z.string().meta({ description: 'the public id of the session, named in its audit records' }),
    principal: principalView,
    permissions: z.array(permissionSchema),
    expiresAt: z.iso.datetime(),
    csrfToken: z.string().meta({ description: 'send it as `x-csrf-token` with every request that changes something' }),
  })
  .meta({ id: 'ConsoleSession' });

/** Most entries one page of a listing holds. */
export const MAX_PAGE = 200;

const cursor = z.string().min(1).max(4096).optional().meta({ description: 'the `nextCursor` of the previous page of the same query' });

/** The query of `GET /v1/users/{iamid}/{userid}/catalog`. */
export const userCatalogQuerySchema = z.strictObject({
  search: z.string().min(1).max(256).optional().meta({ description: 'a part of the id or the name, in any case' }),
  tag: tagSchema.optional().meta({ description: 'hierarchical: `A.B` matches `A.B` and `A.B.*`, on the source or a column' }),
  domain: idSchema.optional().meta({ description: 'a domain the source belongs to (by its `domain` field or by tag)' }),
  access: z.enum(['granted', 'discoverable']).optional().meta({ description: 'only the sources the user may query, or only those it may only discover' }),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(50),
  cursor: z.string().min(1).max(256).optional().meta({ description: 'the `nextCursor` of the previous page: the last id it held' }),
});

/** One source of a user's catalog: what it holds, and what the user may do with it. */
export const catalogEntryView = dataSourceView
  .pick({ id: true, name: true, platform: true, database: true, schema: true, table: true })
  .extend({
    domains: z.array(z.string()).readonly().meta({ description: 'the domains it belongs to, by its `domain` field or by tag' }),
    owners: z.array(userRefView).readonly(),
    tags: z.array(z.string()).readonly(),
    columns: z.array(z.object({ name: z.string(), type: z.string(), tags: z.array(z.string()).readonly() })).readonly(),
    access: z.enum(['granted', 'discoverable']).meta({ description: '`discoverable`: visible although the user may not query it' }),
    requestable: z.boolean().meta({ description: 'an approved access request would grant it: every policy on the source allows requests' }),
    request: accessRequestView.optional().meta({ description: "the user's latest access request on the source" }),
  })
  .meta({ id: 'CatalogEntry' });

/** A page of a user's catalog, in id order. */
export const userCatalogView = z.object({
  dataSources: z.array(catalogEntryView).readonly(),
  total: z.int().min(0).meta({ description: 'how many sources match the query, over every page' }),
  nextCursor: z.string().nullable(),
});

/** The query of `GET /v1/users`. */
export const userListQuerySchema = z.strictObject({
  iamid: iamIdSchema.optional().meta({ description: 'the IAM whose users to list; default: the default IAM' }),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(50),
  cursor,
});

/** A user as a listing shows it. */
export const userSummaryView = z.object({
  iamid: z.string(),
  userid: z.string(),
  displayName: z.string(),
  active: z.boolean(),
  permissions: z.array(permissionSchema),
});

/** A page of one IAM's users, in userid order. */
export const userPageView = z.object({ users: z.array(userSummaryView), nextCursor: z.string().nullable() });

/** Every IAM, by id. */
export const iamListView = z.object({ iams: z.array(z.object({ id: z.string(), name: z.string() })) });
