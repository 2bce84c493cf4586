import * as z from 'zod';
import { iamIdSchema } from './identity.ts';

/**
 * What a Trino integration does with a catalog it does not govern: refuse everything (the
 * default), allow reads and listings only, or leave it wholly to Trino.
 */
export const UNGOVERNED_MODES = ['deny', 'read', 'allow'] as const;
export type UngovernedMode = (typeof UNGOVERNED_MODES)[number];

/** Trino catalog names: Trino lowercases them; bounded, printable. */
const catalogName = z.string().min(1).max(255).regex(/^[^\u0000-\u001f]+$/, 'must be printable');

/** An integration's id, chosen by its writer: it appears in the policy URIs. */
export const integrationIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, `.`, `_` and `-` only');

/** The body of `POST /v1/integrations/trino`: one Trino (or Starburst) cluster. */
export const trinoIntegrationInputSchema = z.strictObject({
  id: integrationIdSchema.meta({ description: 'the id, chosen by the writer (it is part of the policy URIs)' }),
  name: z.string().min(1).max(256).optional().meta({ description: 'what the cluster is called, for people' }),
  iamid: iamIdSchema.meta({ description: "the Warden IAM whose users Trino's user names are" }),
  useridTemplate: z
    .string()
    .min(1)
    .max(256)
    .regex(/\{userid\}/, 'must contain `{userid}`')
    .optional()
    .meta({ description: 'how a Trino user name becomes a Warden userid: `{userid}@example.com`; absent: the name itself' }),
  catalogs: z.array(catalogName).min(1).max(200).meta({ description: 'the Trino catalogs Warden governs (matched case-insensitively)' }),
  ungoverned: z.enum(UNGOVERNED_MODES).default('deny').meta({ description: 'other catalogs: `deny` everything, `read` (queries and listings, no writes) or `allow` all' }),
});
export type TrinoIntegrationInput = z.infer<typeof trinoIntegrationInputSchema>;

/** `{id}` of the integration routes. */
export const integrationParamsSchema = z.object({ id: integrationIdSchema.meta({ description: 'the integration' }) });

/** A registered Trino integration, without its credential. */
export const trinoIntegrationView = z
  .object({
    id: z.string(),
    name: z.string().optional(),
    iamid: z.string(),
    useridTemplate: z.string().optional(),
    catalogs: z.array(z.string()).readonly(),
    ungoverned: z.enum(UNGOVERNED_MODES),
    createdAt: z.iso.datetime(),
    createdBy: z.string(),
    rotatedAt: z.iso.datetime().optional(),
  })
  .meta({ id: 'TrinoIntegration' });

/** The answer of registering or rotating: the credential, shown once, and the plugin's configuration. */
export const trinoCredentialView = z.object({
  integration: trinoIntegrationView,
  credential: z.string().meta({ description: 'shown once: Warden keeps only its SHA-256' }),
  accessControlProperties: z.string().meta({ description: "the text of Trino's `etc/access-control.properties`, with all five policy URIs" }),
});

// The plugin's request, as its schema classes serialise it (`io.trino.plugin.opa.schema`).
// Objects are not strict: the plugin adds fields across Trino versions (`principal`,
// `extraCredentials`, `properties`), and a field Warden does not read changes nothing.
const name = z.string().max(1024);
const trinoTable = z.object({ catalogName: name, schemaName: name, tableName: name, columns: z.array(name).max(10_000).optional() });
const trinoColumn = z.object({ catalogName: name, schemaName: name, tableName: name, columnName: name, columnType: name });
const resource = z.object({
  user: z.object({ user: name.optional() }).optional(),
  catalog: z.object({ name }).optional(),
  catalogSessionProperty: z.object({ catalogName: name, propertyName: name }).optional(),
  schema: z.object({ catalogName: name, schemaName: name }).optional(),
  table: trinoTable.optional(),
  column: trinoColumn.optional(),
  function: z.object({ catalogName: name.optional(), schemaName: name.optional(), functionName: name.optional() }).optional(),
});
export type OpaResource = z.infer<typeof resource>;

/** The body every OPA policy URI receives: `{"input":{"context":…,"action":…}}`. */
export const opaRequestSchema = z.object({
  input: z.object({
    context: z.object({
      identity: z.object({ user: name.min(1), groups: z.array(name).max(10_000).default([]) }),
      softwareStack: z.object({ trinoVersion: name }).optional(),
      queryId: name.nullable().optional(),
    }),
    action: z.object({
      operation: z.string().min(1).max(128),
      resource: resource.optional(),
      targetResource: resource.optional(),
      filterResources: z.array(resource).max(100_000).optional(),
    }),
  }),
});
export type OpaRequest = z.infer<typeof opaRequestSchema>;

/** `{id}` of the OPA routes: the integration whose credential `?key=` must be. */
export const opaParamsSchema = integrationParamsSchema;
/** `?key=` of the OPA routes: optional here, so that a missing credential is the handler's 401, not a 400. */
export const opaQuerySchema = z.strictObject({ key: z.string().max(256).optional().meta({ description: "the integration's credential (kept out of access logs, see README)" }) });

const viewExpression = z.object({ expression: z.string() });

/** `opa.policy.uri`: one operation allowed or not. */
export const opaAllowView = z.object({ result: z.boolean() });
/** `opa.policy.batched-uri`: the indices of the allowed `filterResources` (of a table's `columns` for `FilterColumns`). */
export const opaBatchView = z.object({ result: z.array(z.int().min(0)) });
/** `opa.policy.row-filters-uri`: the filters every row must pass. */
export const opaRowFiltersView = z.object({ result: z.array(viewExpression) });
/** `opa.policy.column-masking-uri`: the column's mask, or no `result` when it is clear. */
export const opaColumnMaskView = z.object({ result: viewExpression.optional() });
/** `opa.policy.batch-column-masking-uri`: the masked columns, by index into `filterResources`. */
export const opaBatchColumnMaskView = z.object({ result: z.array(z.object({ index: z.int().min(0), viewExpression })) });
