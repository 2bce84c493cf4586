/*
 * The bridge: operations of the functions whose routes are not declared yet (`shared/http/route.ts`),
 * written by hand as before. `shared/http/openapi.ts` adds them to the generated document until
 * each is declared with its route; then its entry here is deleted.
 */

/** One hand-written operation; each function's module appends its own list. */
export interface Operation {
  readonly method: 'get' | 'put' | 'post' | 'delete' | 'patch';
  readonly path: string;
  readonly summary: string;
  readonly description?: string;
  readonly permission?: string;
  readonly auth?: 'none' | 'key' | 'key-or-token';
  readonly query?: readonly string[];
  readonly body?: Record<string, unknown>;
  readonly responses: Readonly<Record<string, string>>;
}

/** A closed JSON-schema object. */
export const obj = (properties: Record<string, unknown>, required: string[] = []) => ({ type: 'object', properties, required, additionalProperties: false });
/** A JSON-schema string. */
export const str = { type: 'string' };

const problem = {
  description: 'problem details (RFC 9457)',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};

/** The OpenAPI operation object of a hand-written operation. */
export function bridgedOperation(op: Operation): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const [status, description] of Object.entries(op.responses)) {
    responses[status] = Number(status) >= 400 ? { ...problem, description } : { description, content: { 'application/json': { schema: { type: 'object' } } } };
  }
  for (const s of ['400', '401', '403']) if (!responses[s] && op.auth !== 'none') responses[s] = problem;
  // Any operation that reads the store may meet a throttled DynamoDB: answered 503 with Retry-After.
  responses['503'] ??= { ...problem, description: 'the store is throttled or failing: retry after `Retry-After` seconds' };
  const params = [...(op.path.match(/\{(\w+)\}/g) ?? [])].map((p) => ({ name: p.slice(1, -1), in: 'path', required: true, schema: { type: 'string' } }));
  return {
    operationId: op.method + op.path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase()),
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    ...(op.permission ? { 'x-warden-permission': op.permission } : {}),
    ...(op.auth === 'none' ? { security: [] } : {}),
    parameters: [...params, ...(op.query ?? []).map((q) => ({ name: q, in: 'query', required: false, schema: { type: 'string' } }))],
    ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: op.body } } } } : {}),
    responses,
  };
}
