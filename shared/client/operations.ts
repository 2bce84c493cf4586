import type * as accessRequests from '#shared/http/routes/access-requests.ts';
import type * as base from '#shared/http/routes/base.ts';
import type * as catalog from '#shared/http/routes/catalog.ts';
import type * as consoleRoutes from '#shared/http/routes/console.ts';
import type * as disabledPolicies from '#shared/http/routes/disabled-policies.ts';
import type * as iams from '#shared/http/routes/iams.ts';
import type * as impersonation from '#shared/http/routes/impersonation.ts';
import type * as policy from '#shared/http/routes/policy.ts';
import type * as trino from '#shared/http/routes/trino.ts';
import type * as userinfo from '#shared/http/routes/userinfo.ts';
import type { Method } from '#shared/http/route.ts';
import type { Operation } from './types.ts';

// The declarations are imported for their types only: at run time the client needs the method
// and path alone, so it bundles none of the server (a browser can use it). A test checks this
// table against the declared routes, so it cannot drift from them.
const op = <R>(method: Method, path: string): Operation<R> => ({ method, path });

/** Every JSON operation of the API by `operationId`, as the routes declare them (`shared/http/routes/`). */
export const OPERATIONS = {
  getHealth: op<typeof base.getHealth>('get', '/health'),
  getOpenApiDocument: op<typeof base.getOpenApiDocument>('get', '/openapi.json'),

  getUserInfo: op<typeof userinfo.getUserInfo>('get', '/userinfo'),
  getIamUserInfo: op<typeof userinfo.getIamUserInfo>('get', '/userinfo/{iamid}'),
  createUser: op<typeof userinfo.createUser>('post', '/v1/users'),
  getUser: op<typeof userinfo.getUser>('get', '/v1/users/{iamid}/{userid}'),
  putUserPermissions: op<typeof userinfo.putUserPermissions>('put', '/v1/users/{iamid}/{userid}/permissions'),
  putUserAttribute: op<typeof userinfo.putUserAttribute>('put', '/v1/users/{iamid}/{userid}/attributes/{key}'),
  deleteUserAttribute: op<typeof userinfo.deleteUserAttribute>('delete', '/v1/users/{iamid}/{userid}/attributes/{key}'),
  listUserDataSources: op<typeof userinfo.listUserDataSources>('get', '/v1/users/{iamid}/{userid}/data-sources'),
  putGroupAttribute: op<typeof userinfo.putGroupAttribute>('put', '/v1/groups/{iamid}/{name}/attributes/{key}'),
  deleteGroupAttribute: op<typeof userinfo.deleteGroupAttribute>('delete', '/v1/groups/{iamid}/{name}/attributes/{key}'),
  addGroupMember: op<typeof userinfo.addGroupMember>('post', '/v1/groups/{iamid}/{name}/members'),
  removeGroupMember: op<typeof userinfo.removeGroupMember>('delete', '/v1/groups/{iamid}/{name}/members/{userid}'),
  createIam: op<typeof iams.createIam>('post', '/v1/iams'),
  getIam: op<typeof iams.getIam>('get', '/v1/iams/{iamid}'),
  updateIam: op<typeof iams.updateIam>('put', '/v1/iams/{iamid}'),
  putIamExternalSource: op<typeof iams.putIamExternalSource>('put', '/v1/iams/{iamid}/external-source'),
  syncIam: op<typeof iams.syncIam>('post', '/v1/iams/{iamid}/sync'),
  createApiKey: op<typeof iams.createApiKey>('post', '/v1/api-keys'),
  getCurrentCaller: op<typeof iams.getCurrentCaller>('get', '/v1/api-keys/current'),
  deleteApiKey: op<typeof iams.deleteApiKey>('delete', '/v1/api-keys/{keyId}'),

  listDataSources: op<typeof catalog.listDataSources>('get', '/v1/data-sources'),
  getDataSource: op<typeof catalog.getDataSource>('get', '/v1/data-sources/{id}'),
  putDataSource: op<typeof catalog.putDataSource>('put', '/v1/data-sources/{id}'),
  deleteDataSource: op<typeof catalog.deleteDataSource>('delete', '/v1/data-sources/{id}'),
  disablePolicy: op<typeof disabledPolicies.disablePolicy>('put', '/v1/data-sources/{id}/disabled-policies/{policyKey}'),
  enablePolicy: op<typeof disabledPolicies.enablePolicy>('delete', '/v1/data-sources/{id}/disabled-policies/{policyKey}'),
  listDomains: op<typeof catalog.listDomains>('get', '/v1/domains'),
  getDomain: op<typeof catalog.getDomain>('get', '/v1/domains/{id}'),
  putDomain: op<typeof catalog.putDomain>('put', '/v1/domains/{id}'),
  listTags: op<typeof catalog.listTags>('get', '/v1/tags'),
  listPolicies: op<typeof policy.listPolicies>('get', '/v1/policies'),
  getPolicy: op<typeof policy.getPolicy>('get', '/v1/policies/{policyKey}'),
  putPolicy: op<typeof policy.putPolicy>('put', '/v1/policies/{policyKey}'),
  deletePolicy: op<typeof policy.deletePolicy>('delete', '/v1/policies/{policyKey}'),
  decide: op<typeof policy.decide>('post', '/v1/decisions'),
  decideBatch: op<typeof policy.decideBatch>('post', '/v1/decisions/batch'),
  simulate: op<typeof policy.simulate>('post', '/v1/simulations'),
  requestAccess: op<typeof accessRequests.requestAccess>('post', '/v1/access-requests'),
  listAccessRequests: op<typeof accessRequests.listAccessRequests>('get', '/v1/access-requests'),
  getAccessRequest: op<typeof accessRequests.getAccessRequest>('get', '/v1/access-requests/{id}'),
  approveAccessRequest: op<typeof accessRequests.approveAccessRequest>('post', '/v1/access-requests/{id}/approve'),
  denyAccessRequest: op<typeof accessRequests.denyAccessRequest>('post', '/v1/access-requests/{id}/deny'),
  queryAudit: op<typeof policy.queryAudit>('get', '/v1/audit'),
  createTrinoIntegration: op<typeof trino.createTrinoIntegration>('post', '/v1/integrations/trino'),
  listTrinoIntegrations: op<typeof trino.listTrinoIntegrations>('get', '/v1/integrations/trino'),
  rotateTrinoIntegration: op<typeof trino.rotateTrinoIntegration>('post', '/v1/integrations/trino/{id}/rotate'),
  deleteTrinoIntegration: op<typeof trino.deleteTrinoIntegration>('delete', '/v1/integrations/trino/{id}'),
  trinoOpaAllow: op<typeof trino.opaAllow>('post', '/v1/opa/trino/{id}/allow'),
  trinoOpaBatch: op<typeof trino.opaBatch>('post', '/v1/opa/trino/{id}/batch'),
  trinoOpaRowFilters: op<typeof trino.opaRowFilters>('post', '/v1/opa/trino/{id}/row-filters'),
  trinoOpaColumnMask: op<typeof trino.opaColumnMask>('post', '/v1/opa/trino/{id}/column-mask'),
  trinoOpaBatchColumnMask: op<typeof trino.opaBatchColumnMask>('post', '/v1/opa/trino/{id}/batch-column-mask'),

  getImpersonationSettings: op<typeof impersonation.getImpersonationSettings>('get', '/v1/settings/impersonation'),
  putImpersonationSettings: op<typeof impersonation.putImpersonationSettings>('put', '/v1/settings/impersonation'),
  listImpersonationSessions: op<typeof impersonation.listImpersonationSessions>('get', '/v1/impersonation/sessions'),
  endImpersonationSessions: op<typeof impersonation.endImpersonationSessions>('delete', '/v1/impersonation/sessions'),
  putImpersonationSession: op<typeof impersonation.putImpersonationSession>('put', '/v1/impersonation/sessions/{sessionId}'),
  getImpersonationSession: op<typeof impersonation.getImpersonationSession>('get', '/v1/impersonation/sessions/{sessionId}'),
  endImpersonationSession: op<typeof impersonation.endImpersonationSession>('delete', '/v1/impersonation/sessions/{sessionId}'),
  getJwks: op<typeof impersonation.getJwks>('get', '/.well-known/jwks.json'),

  createConsoleSession: op<typeof consoleRoutes.createConsoleSession>('post', '/v1/console/session'),
  getConsoleSession: op<typeof consoleRoutes.getConsoleSession>('get', '/v1/console/session'),
  deleteConsoleSession: op<typeof consoleRoutes.deleteConsoleSession>('delete', '/v1/console/session'),
  listUsers: op<typeof consoleRoutes.listUsers>('get', '/v1/users'),
  listIams: op<typeof consoleRoutes.listIams>('get', '/v1/iams'),
  getUserCatalog: op<typeof consoleRoutes.getUserCatalog>('get', '/v1/users/{iamid}/{userid}/catalog'),
} as const;

/** The `operationId` of an operation the client can call. */
export type OperationId = keyof typeof OPERATIONS;

/** The declared route of an operation. */
export type RouteOf<K extends OperationId> = (typeof OPERATIONS)[K] extends Operation<infer R> ? R : never;
