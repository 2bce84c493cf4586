import * as z from 'zod';
import { iamIdSchema, idSchema } from './identity.ts';
import { tagSchema } from './catalog.ts';

import { policyKeySchema } from './policy-key.ts';

export { policyKeySchema };

export const circumstanceSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('tags'), tag: tagSchema }),
  z.strictObject({ type: z.literal('columnTags'), tag: tagSchema }),
  z.strictObject({
    type: z.literal('columnRegex'),
    regex: z.string().min(1).max(512),
    caseInsensitive: z.boolean().default(false),
  }),
  z.strictObject({ type: z.literal('domain'), domain: idSchema }),
  z.strictObject({ type: z.literal('dataSources'), ids: z.array(idSchema).min(1).max(10_000) }),
]);
export type Circumstance = z.infer<typeof circumstanceSchema>;

const targeting = {
  circumstanceOperator: z.enum(['any', 'all']).default('any'),
  circumstances: z.array(circumstanceSchema).max(100).default([]),
  staged: z.boolean().default(false),
  // Whose groups and attributes the policy believes; absent: the IAMs the deployment trusts.
  trustedIams: z.array(iamIdSchema).max(100).optional(),
};

export const attributeConditionSchema = z.strictObject({
  name: z.string().min(1).max(256),
  value: z.string().min(1).max(1024),
});

/** Groups and attributes a user must (operator all) or may (operator any) hold. */
export const conditionSetSchema = z.strictObject({
  operator: z.enum(['all', 'any']).default('any'),
  groups: z.array(z.string().min(1).max(256)).max(500).default([]),
  attributes: z.array(attributeConditionSchema).max(500).default([]),
});
export type ConditionSet = z.infer<typeof conditionSetSchema>;

export const entitlementsSchema = conditionSetSchema.extend({
  advanced: z.string().min(1).max(10_000).optional(),
});

export const subscriptionActionsSchema = z.strictObject({
  type: z.enum(['anyone', 'approval', 'entitlements', 'individuals']),
  entitlements: entitlementsSchema.optional(),
  individuals: z
    .array(z.strictObject({ userid: idSchema, iamid: iamIdSchema.optional() }))
    .max(10_000)
    .optional(),
  merge: z.enum(['alwaysRequired', 'shareResponsibility']).default('shareResponsibility'),
  allowDiscovery: z.boolean().default(false),
  allowRequests: z.boolean().default(false),
});

const subscriptionFields = {
  policyKey: policyKeySchema,
  name: z.string().min(1).max(256).optional(),
  type: z.literal('subscription'),
  actions: subscriptionActionsSchema,
  ...targeting,
};

/** `actions` names the entitlements or the individuals its type needs. */
function checkActions(p: { readonly actions: z.output<typeof subscriptionActionsSchema> }, ctx: z.RefinementCtx): void {
  if (p.actions.type === 'entitlements' && !p.actions.entitlements) {
    ctx.addIssue({ code: 'custom', path: ['actions', 'entitlements'], message: 'required when `actions.type` is `entitlements`' });
  }
  if (p.actions.type === 'individuals' && !p.actions.individuals?.length) {
    ctx.addIssue({ code: 'custom', path: ['actions', 'individuals'], message: 'required when `actions.type` is `individuals`' });
  }
}

export const subscriptionPolicySchema = z.strictObject(subscriptionFields).superRefine(checkActions).meta({ id: 'SubscriptionPolicy' });
export type SubscriptionPolicy = z.infer<typeof subscriptionPolicySchema>;

export const maskingSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('null') }),
  z.strictObject({
    type: z.literal('constant'),
    value: z.union([z.string().max(1024), z.number(), z.boolean()], { error: 'must be a string of at most 1024 characters, a finite number or a boolean' }),
  }),
  z.strictObject({ type: z.literal('hash'), salt: z.string().max(256).optional() }),
  z.strictObject({ type: z.literal('regex'), pattern: z.string().min(1).max(1024), replacement: z.string().max(1024) }),
  z.strictObject({ type: z.literal('rounding'), bucketSize: z.number().positive() }),
  z.strictObject({ type: z.literal('showLast'), count: z.number().int().min(0).max(1024) }),
  z.strictObject({ type: z.literal('custom'), sql: z.string().min(1).max(10_000) }),
]);
export type Masking = z.infer<typeof maskingSchema>;

export const fieldSelectorSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('columnTags'), tag: tagSchema }),
  z.strictObject({ type: z.literal('columnNames'), names: z.array(z.string().min(1).max(255)).min(1).max(2000) }),
]);

const audience = {
  exceptions: conditionSetSchema.optional(),
  inclusions: conditionSetSchema.optional(),
};

export const maskingRuleSchema = z.strictObject({
  type: z.literal('masking'),
  fields: z.array(fieldSelectorSchema).min(1).max(100),
  masking: maskingSchema,
  when: z.string().min(1).max(10_000).optional(),
  ...audience,
});

export const entitlementMatchSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('attribute'), attribute: z.string().min(1).max(256), columnTag: tagSchema }),
  z.strictObject({ type: z.literal('group'), columnTag: tagSchema }),
]);

export const rowFilterByEntitlementSchema = z.strictObject({
  type: z.literal('rowFilterByEntitlement'),
  matches: z.array(entitlementMatchSchema).min(1).max(20),
  ...audience,
});

export const rowFilterByPredicateSchema = z.strictObject({
  type: z.literal('rowFilterByPredicate'),
  predicate: z.string().min(1).max(10_000),
  ...audience,
});

export const dataRuleSchema = z
  .discriminatedUnion('type', [maskingRuleSchema, rowFilterByEntitlementSchema, rowFilterByPredicateSchema])
  .superRefine((r, ctx) => {
    if (r.exceptions && r.inclusions) {
      ctx.addIssue({ code: 'custom', path: ['inclusions'], message: 'a rule takes `exceptions` or `inclusions`, not both' });
    }
  });
export type DataRule = z.infer<typeof dataRuleSchema>;

const dataFields = {
  policyKey: policyKeySchema,
  name: z.string().min(1).max(256).optional(),
  type: z.literal('data'),
  rules: z.array(dataRuleSchema).min(1).max(100),
  ...targeting,
};

export const dataPolicySchema = z.strictObject(dataFields).meta({ id: 'DataPolicy' });
export type DataPolicy = z.infer<typeof dataPolicySchema>;

/** A policy document as written by an admin (JSON or YAML), before engine validation. */
export type PolicyDocument = SubscriptionPolicy | DataPolicy;

/** A stored policy: the document plus the bookkeeping the engine uses (conflict order). */
export interface StoredPolicy {
  readonly document: PolicyDocument;
  readonly version: number;
  /** When the policy was first created: the older one wins mask conflicts of equal depth. */
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A policy document, a subscription or a data policy by `type` (docs/api.md, section 4). */
export const policyDocumentSchema = z.discriminatedUnion('type', [subscriptionPolicySchema, dataPolicySchema]).meta({ id: 'PolicyDocument' });

/** `{policyKey}` of the policy routes. */
export const policyParamsSchema = z.object({ policyKey: policyKeySchema.meta({ description: 'the policy key; a body key must equal it' }) });

/** The query of `PUT /v1/policies/{policyKey}`. */
export const policyPutQuerySchema = z.strictObject({
  dryRun: z.enum(['true', 'false']).optional().meta({ description: '`true`: store nothing and answer the simulation of the change' }),
});

/** Accepted on a PUT so that GET → PUT works, and ignored. */
const readOnly = {
  version: z.int().optional().meta({ description: 'read-only: ignored' }),
  createdAt: z.string().optional().meta({ description: 'read-only: ignored' }),
  updatedAt: z.string().optional().meta({ description: 'read-only: ignored' }),
};
const keyInPath = { policyKey: policyKeySchema.optional().meta({ description: 'absent, or the key in the path' }) };

/**
 * The body of `PUT /v1/policies/{policyKey}`, JSON or YAML, as documented: the engine checks it
 * (`parsePolicyDocument`), with the conditions these schemas cannot say.
 */
export const policyBodySchema = z
  .discriminatedUnion('type', [z.strictObject({ ...subscriptionFields, ...keyInPath, ...readOnly }), z.strictObject({ ...dataFields, ...keyInPath, ...readOnly })])
  .meta({ id: 'PolicyBody' });

const bookkeeping = {
  version: z.int(),
  createdAt: z.iso.datetime().meta({ description: 'of the first version: the older policy wins mask conflicts of equal depth' }),
  updatedAt: z.iso.datetime(),
};

/** A stored policy as answers show it: the document with its bookkeeping. */
export const storedPolicyView = z
  .discriminatedUnion('type', [z.object({ ...subscriptionFields, ...bookkeeping }), z.object({ ...dataFields, ...bookkeeping })])
  .meta({ id: 'StoredPolicy' });
