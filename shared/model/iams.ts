import * as z from 'zod';
import { attributeKeySchema, iamIdSchema } from './identity.ts';

/** `{iamid}` of an IAM's routes. */
export const iamParamsSchema = z.object({ iamid: iamIdSchema.meta({ description: 'an IAM id' }) });

/** The body of `POST /v1/iams`: with `scim: true` the answer holds the IAM's SCIM token, shown once. */
export const createIamBodySchema = z.strictObject({
  id: iamIdSchema,
  name: z.string().min(1).max(256),
  scim: z.boolean().default(false),
});

/** The body of `PUT /v1/iams/{iamid}`: what it names changes, the rest stays. */
export const updateIamBodySchema = z.strictObject({
  name: z.string().min(1).max(256).optional(),
  trustedForPolicies: z.boolean().optional(),
  scim: z
    .strictObject({
      attributeMappings: z.array(z.strictObject({ from: z.string().min(1).max(512), to: attributeKeySchema })).max(500),
    })
    .optional(),
});

/** The URL, or undefined when the text is not one (refinements run even after `z.url()` fails). */
const urlOf = (text: string): URL | undefined => (URL.canParse(text) ? new URL(text) : undefined);

const httpUri = z
  .url()
  .max(2048)
  .refine((u) => /^https?:$/.test(urlOf(u)?.protocol ?? ''), 'must be an `http` or `https` url')
  // Credentials belong in `auth`, where they are kept out of answers and audit records.
  .refine((u) => !urlOf(u)?.username && !urlOf(u)?.password, 'must not carry credentials; use `auth`');

/**
 * The body of `PUT /v1/iams/{iamid}/external-source`. `refused` says why the host (after `URL`
 * normalised it) may not be a source, or undefined when it may: the deployment's check of
 * loopback, link-local, private and other non-public addresses; names are checked again,
 * resolved, at every fetch. Without it the schema is the shape the document shows.
 */
export function externalSourceBodySchema(refused: (url: URL) => string | undefined = () => undefined) {
  return z.strictObject({
    uri: httpUri.superRefine((u, ctx) => {
      const url = urlOf(u);
      const why = url && refused(url);
      if (url && why) ctx.addIssue({ code: 'custom', message: `host \`${url.hostname}\` is ${why}; only hosts listed in WARDEN_EXTERNAL_SOURCE_ALLOWED_HOSTS may be` });
    }),
    auth: z
      .discriminatedUnion('type', [
        z.strictObject({ type: z.literal('none') }),
        z.strictObject({ type: z.literal('basic'), username: z.string().min(1).max(256).regex(/^[^:]*$/, 'must not contain `:`'), password: z.string().min(1).max(1024) }),
      ])
      .default({ type: 'none' }),
    ttlSeconds: z.int().min(0).max(86_400).default(300),
  });
}

/** An external source as answers show it: never its password. */
export const externalSourceView = z
  .object({
    uri: z.string(),
    auth: z.discriminatedUnion('type', [z.object({ type: z.literal('none') }), z.object({ type: z.literal('basic'), username: z.string() })]),
    ttlSeconds: z.int(),
  })
  .meta({ id: 'ExternalSource' });
export type ExternalSourceJson = z.infer<typeof externalSourceView>;

/** An IAM as answers show it: never its SCIM token hash, never its source's password. */
export const iamView = z
  .object({
    id: z.string(),
    name: z.string(),
    trustedForPolicies: z.boolean().meta({ description: 'whether policies believe the groups and attributes of its users' }),
    scim: z.object({ enabled: z.boolean(), attributeMappings: z.array(z.object({ from: z.string(), to: z.string() })) }),
    externalSource: externalSourceView.nullable(),
  })
  .meta({ id: 'Iam' });
export type IamJson = z.infer<typeof iamView>;

/** A created IAM: its SCIM token only when asked for, and only in this answer. */
export const createdIamView = z.object({ id: z.string(), scimToken: z.string().optional() });

/** What a sync did, per user of the IAM. */
export const syncView = z.object({ iamid: z.string(), users: z.int(), updated: z.int(), unchanged: z.int(), failed: z.int() });
