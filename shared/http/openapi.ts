import type { Config } from '#shared/config.ts';
import { OPERATIONS } from './openapi/index.ts';
import type { Operation } from './openapi/operations.ts';

const problem = {
  description: 'problem details (RFC 9457)',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};

function operation(op: Operation): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const [status, description] of Object.entries(op.responses)) {
    responses[status] = Number(status) >= 400 ? { ...problem, description } : { description, content: { 'application/json': { schema: { type: 'object' } } } };
  }
  for (const s of ['400', '401', '403']) if (!responses[s] && op.auth !== 'none') responses[s] = problem;
  // Any operation that reads the store may meet a throttled DynamoDB: answered 503 with Retry-After.
  responses['503'] ??= { ...problem, description: 'the store is throttled or failing: retry after `Retry-After` seconds' };
  const params = [...(op.path.match(/\{(\w+)\}/g) ?? [])].map((p) => ({ name: p.slice(1, -1), in: 'path', required: true, schema: { type: 'string' } }));
  return {
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    ...(op.permission ? { 'x-warden-permission': op.permission } : {}),
    ...(op.auth === 'none' ? { security: [] } : {}),
    parameters: [...params, ...(op.query ?? []).map((q) => ({ name: q, in: 'query', required: false, schema: { type: 'string' } }))],
    ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: op.body } } } } : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of every non-SCIM path. */
export function openApiDocument(config: Pick<Config, 'version' | 'issuer'>): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) (paths[op.path] ??= {})[op.method] = operation(op);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Warden',
      version: config.version,
      description: 'Data-access governance control plane. docs/api.md in the repository is the guide to this API; SCIM 2.0 lives under /scim/v2 (RFC 7644).',
    },
    servers: [{ url: config.issuer }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'an API key, or on /v1/decisions* and /userinfo an impersonation token' },
        basic: { type: 'http', scheme: 'basic', description: '/userinfo only: the API key as password' },
      },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'detail'],
          properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' } },
        },
      },
    },
    paths,
  };
}
