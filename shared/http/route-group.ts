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

/**
 * Fails (a 500 that names the field) when a success answer is not what the route declares:
 * run outside AWS, so every test and `npm start` check the document against the code.
 */
async function checkReply(route: AnyRoute, res: Response): Promise<void> {
  if (res.status >= 300) return;
  const reply = route.responses[res.status];
  if (!reply) throw new Error(`\`${route.operationId}\` answered ${res.status}, which it does not declare`);
  if (!reply.schema) return;
  const parsed = reply.schema.safeParse(await res.clone().json());
  if (!parsed.success) throw new Error(`\`${route.operationId}\` answered ${res.status} off its declared schema: ${describeZodError(parsed.error)}`);
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
      const res = await handler(c, input);
      if (c.get('checkReplies')) await checkReply(route, res);
      return res;
    });
    return this;
  }
}
