import { apiKeyParamsSchema, createApiKeyBodySchema, createdApiKeyView, currentCallerView } from '#shared/model/api-keys.ts';
import { createdIamView, createIamBodySchema, externalSourceBodySchema, iamParamsSchema, iamView, syncView, updateIamBodySchema } from '#shared/model/iams.ts';
import { authenticated, requires } from '../guard.ts';
import { guardedBy, route, type AnyRoute } from '../route.ts';
import { CONCURRENT_WRITE } from './versioned.ts';

const userAdmin = guardedBy(requires('USER_ADMIN'));

const iamAnswer = { description: 'the IAM (never its SCIM token or its source password)', schema: iamView } as const;

export const createIam = userAdmin('createIam', 'post', '/v1/iams', {
  summary: 'create an identity provider; with scim:true the answer holds its SCIM token (shown once)',
  body: { schema: createIamBodySchema },
  responses: { 201: { description: 'the id of the created IAM, and its SCIM token if asked for', schema: createdIamView } },
  errors: { 409: 'the id exists' },
});

export const getIam = userAdmin('getIam', 'get', '/v1/iams/{iamid}', {
  summary: 'an IAM (never its SCIM token or the external source password)',
  params: iamParamsSchema,
  responses: { 200: iamAnswer },
  errors: { 404: 'unknown IAM' },
});

export const updateIam = userAdmin('updateIam', 'put', '/v1/iams/{iamid}', {
  summary: 'rename an IAM, set how SCIM attributes become Warden attributes, or mark it trusted for policy matching',
  description:
    '`trustedForPolicies`: whether policies believe the groups and attributes of its users (any IdP holding a SCIM token can name its groups `HR`). ' +
    'A policy without `trustedIams` trusts the marked IAMs; the default IAM is trusted unless marked `false`, every other IAM only once marked `true`. ' +
    'For a policy, a user of an IAM it does not trust has no groups and no attributes (`individuals` and `@iam` still name it). ' +
    'The mark is written with a snapshot version bump: decisions see it after the snapshot refresh interval.',
  params: iamParamsSchema,
  body: { schema: updateIamBodySchema },
  responses: { 200: iamAnswer },
  errors: { 400: 'a mapping whose `to` is not a valid attribute key (see the attribute routes)', 404: 'unknown IAM', ...CONCURRENT_WRITE },
});

export const putIamExternalSource = userAdmin('putIamExternalSource', 'put', '/v1/iams/{iamid}/external-source', {
  summary: "set the IAM's external source of truth (Immuta's external endpoint shape)",
  description:
    'Warden calls `GET <uri>?userid=<userid>` (Basic auth if configured) with a 2 s timeout, caches each answer `ttlSeconds` per user, and keeps the last good values when the source fails, is slow, answers malformed JSON or any non-200 status (404 included: "no info", as in Immuta), or an answer outside the bounds (group names and attribute keys of 1–256 printable characters, the key `__proto__` reserved); each failure is audited as `EXTERNAL_SOURCE` FAILURE. ' +
    'The uri must be http(s) without embedded credentials. The password is stored to call the source and never returned or audited. ' +
    'The host must be a public address or name: loopback, link-local, private, unique-local, carrier-grade NAT, unspecified and other non-public addresses (cloud metadata endpoints among them) are a 400, in any spelling `URL` normalises (`127.1`, `2130706433`, `[::ffff:169.254.169.254]`), unless the host (`host` or `host:port`) is listed in env `WARDEN_EXTERNAL_SOURCE_ALLOWED_HOSTS`. ' +
    'A name is resolved at every fetch and the connection goes only to the addresses checked; a refused target, like any failure, is audited with a fixed reason (`refused target: a private address`, `host does not resolve`, `connection failed`, `answer exceeds 1 MiB`…) that names no address. Answers are read as they stream and abandoned past 1 MiB.',
  params: iamParamsSchema,
  // Read by the handler: whether a host is refused depends on the deployment's allow-list.
  body: { schema: externalSourceBodySchema(), readByHandler: true },
  responses: { 200: iamAnswer },
  errors: { 400: 'malformed body, or a refused host', 404: 'unknown IAM' },
});

export const syncIam = userAdmin('syncIam', 'post', '/v1/iams/{iamid}/sync', {
  summary: 'ask the external source about every user of the IAM now',
  description: 'Also runs every 5 minutes (EventBridge in AWS; a timer locally, `WARDEN_SYNC_INTERVAL_MS`). Values the source no longer sends are removed.',
  params: iamParamsSchema,
  responses: { 200: { description: 'how many users the source updated, left unchanged or failed on', schema: syncView } },
  errors: { 404: 'unknown IAM', 409: 'the IAM has no external source' },
});

export const createApiKey = userAdmin('createApiKey', 'post', '/v1/api-keys', {
  summary: 'create an API key (shown once, stored as a SHA-256 hash)',
  description: "Extension: `permissions` sets what a service principal's key may do; a user's key carries the user's permissions and never acts for a later user of the same userid.",
  body: { schema: createApiKeyBodySchema },
  responses: { 201: { description: 'the key, shown this once', schema: createdApiKeyView } },
  errors: { 404: 'unknown user' },
});

export const deleteApiKey = userAdmin('deleteApiKey', 'delete', '/v1/api-keys/{keyId}', {
  summary: 'revoke an API key at once',
  description: 'Other instances stop accepting it within their key cache time (1 s).',
  params: apiKeyParamsSchema,
  responses: { 204: { description: 'revoked' } },
  errors: { 404: 'unknown key' },
});

export const getCurrentCaller = route('getCurrentCaller', 'get', '/v1/api-keys/current', {
  summary: 'who the calling key is: its principal and permissions (`warden whoami`)',
  guard: authenticated(),
  responses: { 200: { description: 'the principal and the permissions the key carries now', schema: currentCallerView } },
});

/** The routes of IAMs and API keys (served by the `userinfo` function). */
export const IAM_ROUTES: readonly AnyRoute[] = [createIam, getIam, updateIam, putIamExternalSource, syncIam, createApiKey, getCurrentCaller, deleteApiKey];
