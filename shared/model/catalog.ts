import * as z from 'zod';
import { iamIdSchema, idSchema, type UserRef } from './identity.ts';
import { userRefView } from './impersonation.ts';
import { policyKeySchema } from './policy-key.ts';

export const PLATFORMS = ['postgres', 'trino', 'snowflake', 'databricks'] as const;

/** A hierarchical tag: `.`-separated non-empty segments. */
export const tagSchema = z
  .string()
  .min(1)
  .max(512)
  .refine((t) => t.split('.').every((s) => s.trim().length > 0), 'tag segments must not be empty');

export const sqlNameSchema = z.string().min(1).max(255).regex(/^[^\u0000]+$/, 'must not contain NUL');

export const columnSchema = z.strictObject({
  name: sqlNameSchema,
  type: z.string().min(1).max(128).default('varchar'),
  tags: z.array(tagSchema).max(200).default([]),
});

/** An owner as written: `{"iamid","userid"}`, or a bare userid meaning the default IAM. */
export const ownerSchema = z.union([idSchema, z.strictObject({ iamid: iamIdSchema.optional(), userid: idSchema })], {
  error: 'must be a userid or `{"iamid","userid"}`',
});
export type OwnerInput = z.infer<typeof ownerSchema>;

export const dataSourceInputSchema = z.strictObject({
  name: z.string().min(1).max(256),
  platform: z.enum(PLATFORMS),
  database: sqlNameSchema,
  schema: sqlNameSchema,
  table: sqlNameSchema,
  domain: idSchema.optional(),
  owners: z.array(ownerSchema).max(100).default([]),
  tags: z.array(tagSchema).max(200).default([]),
  columns: z.array(columnSchema).max(2000).default([]),
  disabledPolicies: z
    .array(policyKeySchema)
    .max(200)
    .optional()
    .meta({ description: 'global policies its owners disabled on this source (seed 004: a clone where the new version replaces the old); absent: kept as they are' }),
});

export type DataSourceInput = z.infer<typeof dataSourceInputSchema>;
export type Column = z.infer<typeof columnSchema>;

/** A data source as stored: every owner names its IAM; `disabledPolicies` only when some are. */
export interface DataSource extends Omit<DataSourceInput, 'owners' | 'disabledPolicies'> {
  readonly owners: readonly UserRef[];
  readonly disabledPolicies?: readonly string[];
  readonly id: string;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export const domainInputSchema = z.strictObject({
  name: z.string().min(1).max(256),
  tags: z.array(tagSchema).max(200).default([]),
});

export type DomainInput = z.infer<typeof domainInputSchema>;

export interface Domain extends DomainInput {
  readonly id: string;
  readonly version: number;
}

/**
 * Owners with the IAM spelled out, each once: a bare userid (as written, or as stored before
 * owners named their IAM) belongs to `defaultIam`.
 */
export function normaliseOwners(owners: readonly OwnerInput[], defaultIam: string): UserRef[] {
  const out = new Map<string, UserRef>();
  for (const o of owners) {
    const ref = typeof o === 'string' ? { iamid: defaultIam, userid: o } : { iamid: o.iamid ?? defaultIam, userid: o.userid };
    out.set(`${ref.iamid}\u0000${ref.userid}`, ref);
  }
  return [...out.values()];
}

/** True when the user `(iamid, userid)` owns the source: `partner/jdoe` is not `okta/jdoe`. */
export function isOwner(source: Pick<DataSource, 'owners'>, iamid: string, userid: string): boolean {
  return source.owners.some((o) => o.iamid === iamid && o.userid === userid);
}

/** `{id}` and `{policyKey}` of `/v1/data-sources/{id}/disabled-policies/{policyKey}`. */
export const disabledPolicyParamsSchema = z.object({
  id: idSchema.meta({ description: 'the data source' }),
  policyKey: policyKeySchema.meta({ description: 'the policy disabled on it' }),
});

/** `{id}` of the data source and domain routes: an id that ends up in a key. */
export const catalogParamsSchema = z.object({ id: idSchema.meta({ description: 'the id, chosen by the writer' }) });

/** Most entries a page of a catalog listing holds, and what a request without `limit` gets. */
export const MAX_CATALOG_PAGE = 1000;

/** The paging of the catalog listings (`GET /v1/data-sources`, `/v1/domains`, `/v1/tags`). */
const catalogPaging = {
  limit: z.coerce.number().int().min(1).max(MAX_CATALOG_PAGE).default(MAX_CATALOG_PAGE).meta({ description: `most entries on the page, 1–${MAX_CATALOG_PAGE} (default ${MAX_CATALOG_PAGE})` }),
  cursor: z.string().min(1).max(4096).optional().meta({ description: 'the `nextCursor` of the previous page of the same query' }),
};

/** The query of `GET /v1/domains` and `GET /v1/tags`. */
export const catalogPageQuerySchema = z.strictObject(catalogPaging);

/** The `nextCursor` of a catalog listing. */
export const nextCursorView = z.string().nullable().meta({ description: 'the cursor of the next page; null on the last' });

/** The query of `GET /v1/data-sources`. */
export const dataSourceListQuerySchema = z.strictObject({
  ...catalogPaging,
  tag: tagSchema.optional().meta({ description: 'hierarchical: `A.B` matches `A.B` and `A.B.*`, on the source or a column' }),
  domain: idSchema.optional().meta({ description: 'a domain: its sources by `domain` field or by tag' }),
  platform: z.enum(PLATFORMS).optional().meta({ description: 'with `database`, `schema` and `table`: the sources registered for that physical table' }),
  database: sqlNameSchema.optional().meta({ description: 'the physical table\'s database (a Trino catalog), matched case-insensitively' }),
  schema: sqlNameSchema.optional().meta({ description: 'its schema, matched case-insensitively' }),
  table: sqlNameSchema.optional().meta({ description: 'its table, matched case-insensitively' }),
});

/** A data source as stored: every owner names its IAM. */
export const dataSourceView = z
  .object({
    id: z.string(),
    name: z.string(),
    platform: z.enum(PLATFORMS),
    database: z.string(),
    schema: z.string(),
    table: z.string(),
    domain: z.string().optional(),
    owners: z.array(userRefView).readonly().meta({ description: "owners may list and decide the source's access requests" }),
    tags: z.array(z.string()).readonly(),
    columns: z.array(z.object({ name: z.string(), type: z.string(), tags: z.array(z.string()) })).readonly(),
    disabledPolicies: z.array(z.string()).readonly().optional().meta({ description: 'policies disabled on this source; absent: none' }),
    version: z.int(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'DataSource' });

/** A domain: a source belongs to it by its `domain` field or by one of the tags. */
export const domainView = z.object({ id: z.string(), name: z.string(), tags: z.array(z.string()).readonly(), version: z.int() }).meta({ id: 'Domain' });

/** A tag in use, with exact counts of the sources and columns that carry it. */
export const tagCountView = z.object({ tag: z.string(), dataSources: z.int().min(0), columns: z.int().min(0) });

/**
 * The source a write of `input` makes of `current`: owners name their IAM, and the disabled
 * policies are kept when the input leaves them out (a catalog sync does not re-enable them).
 */
export function nextSource(id: string, input: DataSourceInput, current: DataSource | undefined, defaultIam: string, now: string): DataSource {
  const { disabledPolicies: named, ...fields } = input;
  const disabled = named ? [...new Set(named)].sort() : (current?.disabledPolicies ?? []);
  return {
    ...fields,
    owners: normaliseOwners(input.owners, defaultIam),
    ...(disabled.length ? { disabledPolicies: disabled } : {}),
    id,
    version: (current?.version ?? 0) + 1,
    createdAt: current?.createdAt ?? now,
    updatedAt: now,
  };
}
