import { dataSourceView, disabledPolicyParamsSchema } from '#shared/model/catalog.ts';
import { authenticated } from '../guard.ts';
import { route, type AnyRoute } from '../route.ts';

const etag = { ETag: 'the version, `W/"<version>"`: send it back as `If-Match`' };
const who = "The data source's owners, or permission `GOVERNANCE`.";
const effect =
  'Decisions, batches, user listings and simulations leave the policy out on this source only (it still applies everywhere else); ' +
  "a decision's `disabledPolicies` names it. Conditional on `If-Match` when sent; audited as an `UPDATE` of the data source.";

export const disablePolicy = route('disablePolicy', 'put', '/v1/data-sources/{id}/disabled-policies/{policyKey}', {
  summary: 'disable a global policy on one data source, without editing the policy',
  description: `Seed 004: before a new version of a policy is applied to a test clone, the pre-existing one is disabled on the clone. ${effect}`,
  guard: authenticated(who),
  params: disabledPolicyParamsSchema,
  responses: { 200: { description: 'the data source with the policy in `disabledPolicies`', schema: dataSourceView, headers: etag } },
  errors: { 404: 'unknown data source or policy', 409: 'changed concurrently', 412: '`If-Match` does not hold' },
});

export const enablePolicy = route('enablePolicy', 'delete', '/v1/data-sources/{id}/disabled-policies/{policyKey}', {
  summary: 'enable again on one data source a policy disabled there',
  description: effect,
  guard: authenticated(who),
  params: disabledPolicyParamsSchema,
  responses: { 200: { description: 'the data source without the policy in `disabledPolicies`', schema: dataSourceView, headers: etag } },
  errors: { 404: 'unknown data source, or the policy is not disabled on it', 409: 'changed concurrently', 412: '`If-Match` does not hold' },
});

/** The routes of policies disabled on a data source (served by the `policy` function). */
export const DISABLED_POLICY_ROUTES: readonly AnyRoute[] = [disablePolicy, enablePolicy];
