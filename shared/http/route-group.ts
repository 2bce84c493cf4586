import { Hono, type Context } from 'hono';
import type * as z from 'zod';
import type { AppEnv } from './context.ts';
import { badRequest } from './errors.ts';
import { describeZodError, readBody, readQuery } from './body.ts';
import { guardBeforeInput, guardOnInput } from './guard.ts';
import type { AnyRoute, InputOf, ReplyOf } from './route.ts';

/** A route's handler: the validated input in, one of the declared replies out. */
export type RouteHandler<R extends AnyRoute> = (c: Context<AppEnv>, input: InputOf<R>) => ReplyOf<R> | Promise<ReplyOf<R>>;

/** Path parameters, URL-decoded by Hono, validated together; 400 names the first bad one. */
function readParams(c: Context<AppEnv>, schema: z.ZodType): unknown {
  const parsed = schema.safeParse(c.req.param());
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw badRequest(`invalid path parameter \`${String(issue.path[0])}\`: ${issue.message}`);
}

/** The schema a success answer of `status` must meet (none for other answers); a 500 when the route does not declare the status. */
function declaredSchema(route: AnyRoute, status: number): z.ZodType | undefined {
  if (status >= 300) return undefined;
  const reply = route.responses[status];
  if (!reply) throw new Error(`\`${route.operationId}\` answered ${status}, which it does not declare`);
  return reply.schema;
}

/** A 500 that names the field when a success body is off its declared schema. */
function checkBody(route: AnyRoute, status: number, schema: z.ZodType, body: unknown): void {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new Error(`\`${route.operationId}\` answered ${status} off its declared schema: ${describeZodError(parsed.error)}`);
}

/**
 * Checks every success answer against its route's declaration: run outside AWS, so every test
 * and `npm start` check the document against the code. A `c.json` reply is checked as the JSON
 * it becomes, before it is sent: cloning the response instead turns each answer into a teed
 * stream, the costliest step of a small request. Its text is made once, checked and sent (a
 * second `JSON.stringify` of a decision cost as much as deciding it). Any other reply is read
 * from a clone.
 */
function checkingReplies(c: Context<AppEnv>, route: AnyRoute): (res: Response) => Promise<void> {
  const checked = new WeakSet<Response>();
  const body = c.body as (text: string, arg?: unknown, headers?: Record<string, string | string[]>) => Response;
  c.json = ((object: unknown, arg?: unknown, headers?: Record<string, string | string[]>) => {
    const text = JSON.stringify(object);
    // As `c.json` does: JSON unless the reply names its own type.
    const res = body(text, arg, { 'Content-Type': 'application/json', ...headers });
    const schema = declaredSchema(route, res.status);
    if (schema) checkBody(route, res.status, schema, JSON.parse(text));
    checked.add(res);
    return res;
  }) as typeof c.json;
  return async (res) => {
    if (checked.has(res)) return;
    const schema = declaredSchema(route, res.status);
    if (schema) checkBody(route, res.status, schema, await res.clone().json());
  };
}

/**
 * A Hono app serving declared routes under `base`, where it is mounted. Each route is guarded
 * and validated as declared, in Warden's order and words: the guard's permissions (403), then
 * path parameters, query and body (400, 413, 415), then a self rule on what they name.
 */
export class RouteGroup extends Hono<AppEnv> {
  constructor(readonly base: string) {
    super();
  }

  /** Serves `route` with `handler`. */
  serve<R extends AnyRoute>(route: R, handler: RouteHandler<R>): this {
    if (route.path !== this.base && !route.path.startsWith(this.base === '/' ? '/' : `${this.base}/`)) {
      throw new Error(`route \`${route.operationId}\` (${route.path}) is not under \`${this.base}\``);
    }
    const relative = (this.base === '/' ? route.path : route.path.slice(this.base.length) || '/').replace(/\{(\w+)\}/g, ':$1');
    this.on(route.method.toUpperCase(), relative, async (c) => {
      guardBeforeInput(c, route.guard, Boolean(route.self));
      const body = route.body;
      const input = {
        params: route.params ? readParams(c, route.params) : undefined,
        query: route.query ? readQuery(c, route.query) : undefined,
        body: body && !body.readByHandler ? await readBody(c, body.schema, { optional: body.optional ?? false }) : undefined,
      } as InputOf<R>;
      guardOnInput(c, route.guard, route.self, input);
      const check = c.get('checkReplies') ? checkingReplies(c, route) : undefined;
      const res = await handler(c, input);
      await check?.(res);
      return res;
    });
    return this;
  }
}
