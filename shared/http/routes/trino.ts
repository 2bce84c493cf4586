import * as z from 'zod';
import {
  integrationParamsSchema,
  opaAllowView,
  opaBatchColumnMaskView,
  opaBatchView,
  opaColumnMaskView,
  opaParamsSchema,
  opaQuerySchema,
  opaRequestSchema,
  opaRowFiltersView,
  trinoCredentialView,
  trinoIntegrationInputSchema,
  trinoIntegrationView,
} from '#shared/model/trino.ts';
import { queryKey, requires } from '../guard.ts';
import { guardedBy, route, type AnyRoute } from '../route.ts';

const userAdmin = guardedBy(requires('USER_ADMIN'));

export const createTrinoIntegration = userAdmin('createTrinoIntegration', 'post', '/v1/integrations/trino', {
  summary: 'register a Trino (or Starburst) cluster: its credential and `etc/access-control.properties` (audited)',
  description: 'The credential is shown once; Warden stores only its SHA-256. Trino calls the five policy URIs of the properties text.',
  body: { schema: trinoIntegrationInputSchema },
  responses: { 201: { description: 'registered', schema: trinoCredentialView } },
  errors: { 409: 'an integration of that id exists' },
});

export const listTrinoIntegrations = userAdmin('listTrinoIntegrations', 'get', '/v1/integrations/trino', {
  summary: 'every registered Trino cluster, without credentials',
  responses: { 200: { description: 'the integrations', schema: z.object({ integrations: z.array(trinoIntegrationView).readonly() }) } },
});

export const rotateTrinoIntegration = userAdmin('rotateTrinoIntegration', 'post', '/v1/integrations/trino/{id}/rotate', {
  summary: 'a new credential for a Trino cluster; the old one stops working (audited)',
  params: integrationParamsSchema,
  responses: { 200: { description: 'rotated: the new credential and properties text', schema: trinoCredentialView } },
  errors: { 404: 'unknown integration', 409: 'changed concurrently' },
});

export const deleteTrinoIntegration = userAdmin('deleteTrinoIntegration', 'delete', '/v1/integrations/trino/{id}', {
  summary: 'delete a Trino integration: its credential stops working and Trino fails closed (audited)',
  params: integrationParamsSchema,
  responses: { 204: { description: 'deleted' } },
  errors: { 404: 'unknown integration' },
});

const opa = (suffix: string, operationId: string, summary: string, schema: z.ZodType, property: string) =>
  route(operationId, 'post', `/v1/opa/trino/{id}/${suffix}`, {
    summary,
    description:
      `Trino's \`${property}\`. The body is the plugin's \`{"input":{"context":…,"action":…}}\`; unknown operations are denied.`,
    guard: queryKey('The integration\'s credential in `?key=` (the plugin cannot send a header); a missing or wrong one is a 401, on which Trino denies.'),
    params: opaParamsSchema,
    query: opaQuerySchema,
    body: { schema: opaRequestSchema, readByHandler: true },
    responses: { 200: { description: 'the answer, `{"result": …}`', schema } },
  });

export const opaAllow = opa('allow', 'trinoOpaAllow', 'OPA policy for one Trino operation: allowed or not', opaAllowView, 'opa.policy.uri');
export const opaBatch = opa('batch', 'trinoOpaBatch', 'OPA batch policy: the indices of the allowed resources', opaBatchView, 'opa.policy.batched-uri');
export const opaRowFilters = opa('row-filters', 'trinoOpaRowFilters', "OPA row filters of a table for the user, in Trino's SQL", opaRowFiltersView, 'opa.policy.row-filters-uri');
export const opaColumnMask = opa('column-mask', 'trinoOpaColumnMask', "OPA mask of one column for the user, in Trino's SQL", opaColumnMaskView, 'opa.policy.column-masking-uri');
export const opaBatchColumnMask = opa('batch-column-mask', 'trinoOpaBatchColumnMask', 'OPA masks of several columns, by index', opaBatchColumnMaskView, 'opa.policy.batch-column-masking-uri');

/** The Trino routes of the `policy` function: the integration object and the OPA policy endpoints. */
export const TRINO_ROUTES: readonly AnyRoute[] = [createTrinoIntegration, listTrinoIntegrations, rotateTrinoIntegration, deleteTrinoIntegration, opaAllow, opaBatch, opaRowFilters, opaColumnMask, opaBatchColumnMask];
