import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import * as z from 'zod';
import type { Config } from '#shared/config.ts';
import { describeGuard } from './guard.ts';
import { functionFor, FUNCTIONS } from './path-prefixes.ts';
import type { AnyRoute, ErrorStatus } from './route.ts';
import { BASE_ROUTES, type OpenApiDocument } from './routes/base.ts';
import { CONSOLE_ROUTES } from './routes/console.ts';
import { IMPERSONATION_ROUTES } from './routes/impersonation.ts';
import { POLICY_ROUTES } from './routes/policy.ts';
import { TRINO_ROUTES } from './routes/trino.ts';
import { USERINFO_ROUTES } from './routes/userinfo.ts';

/** Every declared route of every function: the source of the document. */
export const DECLARED_ROUTES: readonly AnyRoute[] = [...BASE_ROUTES, ...IMPERSONATION_ROUTES, ...USERINFO_ROUTES, ...POLICY_ROUTES, ...TRINO_ROUTES, ...CONSOLE_ROUTES];

const problemSchema = z
  .object({ type: z.string(), title: z.string(), status: z.int(), detail: z.string() })
  .meta({ id: 'Problem', description: 'problem details (RFC 9457)' });

/** The failures every route may meet, by what it declares. */
const COMMON_ERRORS: ReadonlyArray<{ readonly status: number; readonly description: string; readonly when: (r: AnyRoute) => boolean }> = [
  { status: 400, description: 'invalid request: the detail names the parameter or field', when: (r) => Boolean(r.params || r.query || r.body) },
  { status: 401, description: 'missing or invalid credentials', when: (r) => r.guard.kind !== 'open' },
  { status: 403, description: 'the caller may not do this: the detail says what it lacks', when: (r) => r.guard.kind !== 'open' && r.guard.kind !== 'query-key' },
  { status: 413, description: 'request body exceeds 1 MiB', when: (r) => Boolean(r.body) },
  { status: 415, description: 'a YAML body where only JSON is taken', when: (r) => Boolean(r.body && !r.body.mediaTypes) },
  // Any route that reads the store may meet a throttled DynamoDB: answered 503 with Retry-After.
  { status: 503, description: 'the store is throttled or failing: retry after `Retry-After` seconds', when: () => true },
];

function replies(route: AnyRoute): Record<number, ResponseConfig> {
  const out: Record<number, ResponseConfig> = {};
  for (const [status, reply] of Object.entries(route.responses)) {
    const headers = reply.headers && Object.fromEntries(Object.entries(reply.headers).map(([name, description]) => [name, { description, schema: { type: 'string' as const } }]));
    const body = reply.schema ? { 'application/json': { schema: reply.schema } } : reply.contentType ? { [reply.contentType]: { schema: z.string() } } : undefined;
    out[Number(status)] = { description: reply.description, ...(headers ? { headers } : {}), ...(body ? { content: body } : {}) };
  }
  const declared = (route.errors ?? {}) as Partial<Record<ErrorStatus, string>>;
  const failures = new Map(COMMON_ERRORS.filter((e) => e.when(route)).map((e) => [e.status, e.description]));
  for (const [status, description] of Object.entries(declared)) failures.set(Number(status), description);
  for (const [status, description] of failures) out[status] = { description, content: { 'application/problem+json': { schema: problemSchema } } };
  return out;
}

/** The OpenAPI route of a declared route: its guard becomes `x-warden-permission`, a sentence and `security`. */
function routeConfig(route: AnyRoute): RouteConfig {
  const guard = describeGuard(route.guard, route.self);
  const body = route.body;
  return {
    method: route.method,
    path: route.path,
    operationId: route.operationId,
    summary: route.summary,
    description: route.description ? `${route.description} ${guard.sentence}` : guard.sentence,
    tags: [functionFor(route.path) ?? 'unrouted'],
    ...(guard.permission ? { 'x-warden-permission': guard.permission } : {}),
    ...(route.guard.kind === 'open' ? { security: [] } : route.guard.kind === 'query-key' ? { security: [{ queryKey: [] }] } : route.security ? { security: route.security.map((scheme) => ({ [scheme]: [] })) } : {}),
    request: {
      ...(route.params ? { params: route.params } : {}),
      ...(route.query ? { query: route.query } : {}),
      ...(body
        ? {
            body: {
              required: !body.optional,
              ...(body.description ? { description: body.description } : {}),
              content: Object.fromEntries((body.mediaTypes ?? ['application/json']).map((type: string) => [type, { schema: body.schema }])),
            },
          }
        : {}),
    },
    responses: replies(route),
  };
}

const TAGS: Readonly<Record<(typeof FUNCTIONS)[number], string>> = {
  scim: 'SCIM 2.0 (RFC 7644), not described here',
  userinfo: 'users, groups, IAMs, API keys and the user info endpoint',
  policy: 'catalog, policies, decisions, simulations, access requests, audit, Trino integrations and their OPA policy endpoints; also the health check and this document',
  impersonation: 'impersonation settings, sessions, tokens and their public keys',
};

/** Builds the document from the declared routes. */
function buildDocument(config: Pick<Config, 'version' | 'issuer'>): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'an API key, or on /v1/decisions* and /userinfo an impersonation token',
  });
  registry.registerComponent('securitySchemes', 'basic', { type: 'http', scheme: 'basic', description: '/userinfo only: the API key as password' });
  registry.registerComponent('securitySchemes', 'queryKey', { type: 'apiKey', in: 'query', name: 'key', description: '/v1/opa/trino/* only: the Trino integration\'s credential' });
  for (const route of DECLARED_ROUTES) registry.registerPath(routeConfig(route));
  const doc = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Warden',
      version: config.version,
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      description: 'Data-access governance control plane. docs/api.md in the repository is the guide to this API; SCIM 2.0 lives under /scim/v2 (RFC 7644).',
    },
    servers: [{ url: config.issuer }],
    security: [{ bearer: [] }],
    tags: FUNCTIONS.filter((fn) => fn !== 'scim').map((name) => ({ name, description: `served by the \`${name}\` function: ${TAGS[name]}` })),
  });
  return { ...doc, openapi: '3.1.0', paths: doc.paths as Record<string, Record<string, unknown>> };
}

let built: { readonly key: string; readonly doc: OpenApiDocument } | undefined;

/** The OpenAPI 3.1 document of every non-SCIM path, whichever function serves it; built once. */
export function openApiDocument(config: Pick<Config, 'version' | 'issuer'>): OpenApiDocument {
  const key = `${config.version} ${config.issuer}`;
  if (built?.key !== key) built = { key, doc: buildDocument(config) };
  return built.doc;
}
