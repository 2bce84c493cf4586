import type { JWK } from 'jose';
import * as z from 'zod';
import { iamIdSchema, idSchema, parseLabel, parseUserRef, type Principal, type UserRef } from './identity.ts';

/** Who may impersonate and how (Databricks' cluster variables, as one document). */
export interface ImpersonationSettings {
  readonly allowedImpersonators: readonly Principal[];
  readonly singleImpersonationPerSession: boolean;
  readonly userMappingIamid: string;
  readonly tokenTtlSeconds: number;
}

/** Settings as stored, with the version the next write is conditional on (0: never stored). */
export interface StoredSettings extends ImpersonationSettings {
  readonly version: number;
  readonly updatedAt?: string;
}

/** An impersonation session: who impersonates whom, and until when tokens of it may live. */
export interface SessionRecord {
  readonly sessionId: string;
  readonly user: UserRef;
  readonly impersonator: Principal;
  /** A user impersonator's uid: a later user of the same userid does not inherit the session. */
  readonly impersonatorUid?: string;
  /** The API key of the latest mint (each token names its own in `act.key`). */
  readonly keyId: string;
  /** Changes whenever the session's user changes: tokens of an earlier generation are revoked. */
  readonly gen: string;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Epoch seconds: expiry of the session's latest token, the item's TTL. */
  readonly expiresAt: number;
  readonly lastJti: string;
}

/** The marker left by an ended session: its tokens are revoked, not merely unknown. */
export interface RevocationMarker {
  readonly gen: string;
  readonly revokedAt: string;
  readonly expiresAt: number;
}

/** A signing key as the JWKS and the signers know it. */
export interface SigningKeyRecord {
  /** RFC 7638 thumbprint of the public key. */
  readonly kid: string;
  readonly publicJwk: JWK;
  /** Local runtime only: the private key, kept with the data so restarts with `--data-dir` reuse it. */
  readonly privateJwk?: JWK;
  /** AWS: the KMS key that holds the private half. */
  readonly kmsKeyArn?: string;
  readonly createdAt: string;
  /** Epoch seconds after which a replaced key leaves the JWKS (every token it signed has expired). */
  readonly retireAfter?: number;
}

/** Bounds of the token lifetime: short enough to limit a leaked token, long enough for a dashboard refresh. */
export const MIN_TOKEN_TTL_SECONDS = 60;
export const MAX_TOKEN_TTL_SECONDS = 3600;

/** An allow-list entry as written: a user without `iamid` is in the default IAM. */
export const impersonatorSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('service'), id: idSchema }),
  z.strictObject({ type: z.literal('user'), id: idSchema, iamid: iamIdSchema.optional() }),
]);

/** The body of `PUT /v1/settings/impersonation`; omitted fields take the deployment defaults. */
export const settingsBodySchema = z.strictObject({
  allowedImpersonators: z.array(impersonatorSchema).max(1000).optional(),
  singleImpersonationPerSession: z.boolean().optional(),
  userMappingIamid: iamIdSchema.optional(),
  tokenTtlSeconds: z.number().int().min(MIN_TOKEN_TTL_SECONDS).max(MAX_TOKEN_TTL_SECONDS).optional(),
});

/** The body of `PUT /v1/impersonation/sessions/{sessionId}`. */
export const impersonateBodySchema = z.strictObject({
  userid: idSchema,
  iamid: iamIdSchema.optional(),
  useridTemplate: z.string().min(1).max(256).includes('{userid}', { message: 'must contain `{userid}`' }).optional(),
});
export type ImpersonateRequest = z.infer<typeof impersonateBodySchema>;

/** `{sessionId}` of the session routes: an id the caller chose, scoped to it. */
export const sessionParamsSchema = z.object({ sessionId: idSchema.meta({ description: 'chosen by the impersonator; the same id from two impersonators names two sessions' }) });

/** `?impersonator=service:<id>` or `user:<iamid>/<userid>`: whose sessions a request addresses. */
const impersonatorParam = z
  .string()
  .max(400)
  .transform((text, ctx) => parseLabel(text) ?? (ctx.addIssue({ code: 'custom', message: 'expected `service:<id>` or `user:<iamid>/<userid>`' }), z.NEVER))
  .meta({ description: 'an impersonator: `service:<id>` or `user:<iamid>/<userid>`' });
const targetParam = z
  .string()
  .max(400)
  .transform((text, ctx) => parseUserRef(text) ?? (ctx.addIssue({ code: 'custom', message: 'expected `<iamid>/<userid>`' }), z.NEVER))
  .meta({ description: 'an impersonated user: `<iamid>/<userid>`' });

/** The query of one session's routes (a session is always its caller's to mint: no query there). */
export const sessionQuerySchema = z.strictObject({ impersonator: impersonatorParam.optional() });
/** The query of `GET /v1/impersonation/sessions`. */
export const sessionListQuerySchema = z.strictObject({
  impersonator: impersonatorParam.optional(),
  target: targetParam.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(4096).optional().meta({ description: 'the `nextCursor` of the previous page' }),
});
/** The query of `DELETE /v1/impersonation/sessions`: the impersonator is required. */
export const sessionBulkQuerySchema = z.strictObject({ impersonator: impersonatorParam });

/** A principal as answers show it. */
export const principalView = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('service'), id: z.string() }),
    z.object({ type: z.literal('user'), id: z.string(), iamid: z.string() }),
  ])
  .meta({ id: 'Principal' });
/** A user as answers name it. */
export const userRefView = z.object({ iamid: z.string(), userid: z.string() }).meta({ id: 'UserRef' });

/** The impersonation settings in force (version 0: the deployment defaults, never stored). */
export const settingsView = z
  .object({
    allowedImpersonators: z.array(principalView),
    singleImpersonationPerSession: z.boolean(),
    userMappingIamid: z.string(),
    tokenTtlSeconds: z.int(),
    version: z.int(),
  })
  .meta({ id: 'ImpersonationSettings' });

/** A live impersonation session. */
export const sessionView = z
  .object({ sessionId: z.string(), user: userRefView, impersonator: principalView, createdAt: z.iso.datetime(), updatedAt: z.iso.datetime(), expiresAt: z.iso.datetime() })
  .meta({ id: 'ImpersonationSession' });

/** A page of live sessions. */
export const sessionPageView = z.object({ sessions: z.array(sessionView), nextCursor: z.string().nullable() });

/** A minted token and the session it belongs to. */
export const mintedView = z
  .object({ sessionId: z.string(), user: userRefView, impersonator: principalView, token: z.string(), tokenType: z.literal('Bearer'), expiresAt: z.iso.datetime() })
  .meta({ id: 'ImpersonationToken' });

/** How many sessions a bulk end ended. */
export const endedView = z.object({ ended: z.int().min(0) });

/** A public signing key (RFC 7517): every Warden key is an ES256 key on P-256. */
export const publicSigningKeyView = z.object({ kty: z.literal('EC'), crv: z.literal('P-256'), x: z.string(), y: z.string(), kid: z.string(), alg: z.literal('ES256'), use: z.literal('sig') });
export type PublicSigningKey = z.infer<typeof publicSigningKeyView>;

/** The public signing keys (RFC 7517). */
export const jwksView = z.object({ keys: z.array(publicSigningKeyView) });
