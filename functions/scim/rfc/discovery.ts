import { listResponse } from './render.ts';
import { ENTERPRISE_USER, SCHEMAS, CORE_GROUP, CORE_USER, type SchemaDefinition } from './schemas.ts';

/** The page size cap advertised in `filter.maxResults` and enforced on `count`. */
export const MAX_RESULTS = 200;

/** `/ServiceProviderConfig` (also served at `/serviceConfiguration`); `baseUrl` ends in `/scim/v2`. */
export function serviceProviderConfig(baseUrl: string): Record<string, unknown> {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
    documentationUri: 'https://datatracker.ietf.org/doc/html/rfc7644',
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'Authentication with the SCIM token of the IAM, sent as `Authorization: Bearer <token>`',
        specUri: 'https://datatracker.ietf.org/doc/html/rfc6750',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
  };
}

const RESOURCE_TYPES = [
  { id: 'User', name: 'User', endpoint: '/Users', description: 'User Account', schema: CORE_USER, schemaExtensions: [{ schema: ENTERPRISE_USER, required: false }] },
  { id: 'Group', name: 'Group', endpoint: '/Groups', description: 'Group', schema: CORE_GROUP, schemaExtensions: [] },
];

/** One `/ResourceTypes/{id}` document, or undefined for an unknown id. */
export function resourceType(id: string, baseUrl: string): Record<string, unknown> | undefined {
  const t = RESOURCE_TYPES.find((r) => r.id === id);
  return t && describeType(t, baseUrl);
}

function describeType(t: (typeof RESOURCE_TYPES)[number], baseUrl: string): Record<string, unknown> {
  return { schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'], ...t, meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/${t.id}` } };
}

/** One `/Schemas/{id}` document, or undefined for an unknown URN. */
export function schemaDocument(id: string, baseUrl: string): Record<string, unknown> | undefined {
  const s = SCHEMAS.find((d) => d.id === id);
  return s && withSchemaMeta(s, baseUrl);
}

function withSchemaMeta(s: SchemaDefinition, baseUrl: string): Record<string, unknown> {
  return { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'], ...s, meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${s.id}` } };
}

/** Every resource in one page. */
function wholeList(resources: Record<string, unknown>[]): Record<string, unknown> {
  return listResponse(resources, resources.length, 1);
}

/** `/ResourceTypes` as a ListResponse. */
export function resourceTypesList(baseUrl: string): Record<string, unknown> {
  return wholeList(RESOURCE_TYPES.map((t) => describeType(t, baseUrl)));
}

/** `/Schemas` as a ListResponse: core User, Group and the enterprise extension. */
export function schemasList(baseUrl: string): Record<string, unknown> {
  return wholeList(SCHEMAS.map((s) => withSchemaMeta(s, baseUrl)));
}
