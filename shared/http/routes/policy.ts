import * as z from 'zod';
import { auditPageView, auditQuerySchema, MAX_WALK_DAYS } from '#shared/model/audit.ts';
import { batchBodySchema, batchView, decisionBodySchema, decisionView, MAX_BATCH, withDefaultIam, type UserInput } from '#shared/model/decision.ts';
import { policyBodySchema, policyParamsSchema, policyPutQuerySchema, storedPolicyView } from '#shared/model/policy.ts';
import { simulationDocumentedBodySchema, simulationView } from '#shared/model/simulation.ts';
import { requires } from '../guard.ts';
import { guardedBy, route, type AnyRoute } from '../route.ts';
import { ACCESS_REQUEST_ROUTES } from './access-requests.ts';
import { CATALOG_ROUTES } from './catalog.ts';
import { CONDITIONAL_WRITE, etag } from './versioned.ts';
import { DISABLED_POLICY_ROUTES } from './disabled-policies.ts';

const governance = guardedBy(requires('GOVERNANCE'));

const consistency =
  'Decisions use a compiled snapshot of catalog and policies refreshed when its version item changes, checked at most once per ' +
  '`WARDEN_SNAPSHOT_REFRESH_MS` (default 1000 ms); user groups, attributes and approvals are cached 1 s. A change is reflected by ' +
  'every decision that starts more than that interval after the change was acknowledged.';

export const listPolicies = governance('listPolicies', 'get', '/v1/policies', {
  summary: 'every current policy with `version`, `createdAt`, `updatedAt`',
  responses: { 200: { description: 'every current policy', schema: z.object({ policies: z.array(storedPolicyView) }) } },
});

export const getPolicy = governance('getPolicy', 'get', '/v1/policies/{policyKey}', {
  summary: 'a policy',
  params: policyParamsSchema,
  responses: { 200: { description: 'the document with `version`, `createdAt`, `updatedAt`', schema: storedPolicyView, headers: etag } },
  errors: { 404: 'unknown policy' },
});

export const putPolicy = governance('putPolicy', 'put', '/v1/policies/{policyKey}', {
  summary: 'create or replace a policy (JSON, or YAML with `Content-Type: application/yaml`)',
  description:
    'The body `policyKey` must equal the path (or be absent). `version`, `createdAt`, `updatedAt` are read-only and ignored. ' +
    '`createdAt` is kept from the first version (it decides mask conflicts of equal depth). With `?dryRun=true` nothing is ' +
    'saved and the answer is the simulation of the change. With `If-Match` the write ' +
    'happens only at that version (`*`: only if it exists), else 412; with `If-None-Match: *` only if it does not exist, else 412. ' +
    'Top-level `trustedIams` (both types): the IAMs whose groups and attributes the policy believes; absent, those marked `trustedForPolicies` (`PUT /v1/iams/{iamid}`). ' +
    'For the policy, a user of another IAM has no groups and no attributes: entitlements fail, exceptions do not spare it, entitlement row filters show nothing. ' +
    'Regular expressions (`columnRegex`, `regex` masks, a literal `regexp_replace` pattern) are RE2 syntax, matched in linear time; backreferences and lookaround are a 400 naming the construct. ' +
    'A numeral beyond the double range is a 400. A YAML body sent without its content type is a 400 saying so. ' +
    consistency,
  params: policyParamsSchema,
  query: policyPutQuerySchema,
  body: { schema: policyBodySchema, mediaTypes: ['application/json', 'application/yaml'], readByHandler: true },
  responses: {
    200: { description: 'replaced (with `ETag`), or on a dry run the simulation of the change', schema: z.union([storedPolicyView, simulationView]), headers: etag },
    201: { description: 'created', schema: storedPolicyView, headers: etag },
  },
  errors: { 400: 'invalid document: the detail names the field', ...CONDITIONAL_WRITE },
});

export const deletePolicy = governance('deletePolicy', 'delete', '/v1/policies/{policyKey}', {
  summary: 'delete a policy (its history is kept)',
  description: 'With `If-Match` only at that version, else 412.',
  params: policyParamsSchema,
  responses: { 204: { description: 'deleted' } },
  errors: { 404: 'unknown policy', 409: 'changed concurrently', 412: '`If-Match` does not hold' },
});

/** A decision is about the caller itself (no `user`: the caller), or about anyone with `QUERY_ENGINE` or `GOVERNANCE`. */
const aboutSelf = {
  subject: (input: { readonly body: { readonly user?: UserInput | undefined } }, deployment: { readonly defaultIam: string }) => input.body.user && withDefaultIam(input.body.user, deployment.defaultIam),
  who: 'the user decided about itself (an impersonation token: its user)',
  refusal: () => 'asking about another user requires permission `QUERY_ENGINE` or `GOVERNANCE`',
};

/** Who may ask for a decision, and what an unknown name answers: the same for one source and a batch. */
const decision = { guard: requires('QUERY_ENGINE', 'GOVERNANCE'), self: aboutSelf, errors: { 404: 'unknown user or data source' } } as const;

export const decide = route('decide', 'post', '/v1/decisions', {
  summary: 'may this user query this data source, and what does it see; audited',
  description: `Takes an API key or an impersonation token. Without \`user\` the caller is the user (a service account must name one). ${consistency}`,
  ...decision,
  body: { schema: decisionBodySchema },
  responses: { 200: { description: 'the explained decision', schema: decisionView } },
});

export const decideBatch = route('decideBatch', 'post', '/v1/decisions/batch', {
  summary: `decisions on up to ${MAX_BATCH} data sources for one user; any unknown source fails the batch`,
  description: 'Takes an API key or an impersonation token; `user` as in `POST /v1/decisions`. A source named twice is decided once.',
  ...decision,
  body: { schema: batchBodySchema },
  responses: { 200: { description: 'one decision per distinct source, in the order asked', schema: batchView } },
});

export const simulate = governance('simulate', 'post', '/v1/simulations', {
  summary: 'the differences a policy change would make, over every user (or `users`) and source (or `dataSources`); writes nothing',
  body: { schema: simulationDocumentedBodySchema, readByHandler: true },
  responses: { 200: { description: 'the differences, and counts', schema: simulationView } },
  errors: { 400: 'invalid request: an invalid document is named by its place, `upsert[i]`', 404: 'unknown user or removed policy' },
});

export const queryAudit = route('queryAudit', 'get', '/v1/audit', {
  summary: 'the audit trail, newest first, cursor-paged',
  description:
    `\`from\`/\`to\` are inclusive ISO-8601 bounds (default: the last 30 days); without \`userid\` or \`action\` they may be at most ${MAX_WALK_DAYS} days apart. ` +
    '`nextCursor` is opaque; a cursor not issued for this query is a 400. ' +
    '`userId` (who was acted as) and `impersonationUser` (the impersonator) are qualified: `iamid/userid` for a user, `service:<id>`, `iam:<id>` (SCIM and external-source changes), `bootstrap:admin` (the bootstrap key, actor type `bootstrap`, never confused with a service named `admin`) or `anonymous`. ' +
    '`userid` is a bare id and matches that user in every IAM and the service of that id; `iamid` narrows it to `iamid/userid` (and needs `userid`). ' +
    "`requestId` is Warden's own id of the request, answered in the `x-request-id` header; a client's `x-request-id` is kept as `clientRequestId` (up to 128 printable ASCII characters).",
  guard: requires('AUDIT'),
  query: auditQuerySchema,
  responses: { 200: { description: 'a page of records; `nextCursor` is null on the last', schema: auditPageView } },
  errors: { 400: 'a malformed parameter or cursor, or `iamid` without `userid`' },
});

/** The routes of the `policy` function. */
export const POLICY_ROUTES: readonly AnyRoute[] = [
  ...CATALOG_ROUTES,
  ...DISABLED_POLICY_ROUTES,
  listPolicies,
  getPolicy,
  putPolicy,
  deletePolicy,
  decide,
  decideBatch,
  simulate,
  ...ACCESS_REQUEST_ROUTES,
  queryAudit,
];
