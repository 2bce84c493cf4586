import type { TypedResponse } from 'hono';
import type { StatusCode } from 'hono/utils/http-status';
import type { JSONParsed } from 'hono/utils/types';
import type * as z from 'zod';
import type { Guard, SelfRule } from './guard.ts';

/** The methods Warden's routes use. */
export type Method = 'get' | 'put' | 'post' | 'delete' | 'patch';

/** A request body, JSON unless `mediaTypes` says more. */
export interface BodySpec<S extends z.ZodType = z.ZodType> {
  readonly schema: S;
  readonly description?: string;
  /** An empty body reads as `{}`. */
  readonly optional?: boolean;
  /**
   * The handler reads and checks the body itself (a policy document: JSON or YAML, checked by
   * the engine with its own messages); `schema` then only documents it.
   */
  readonly readByHandler?: boolean;
  /** Documented media types; default `application/json`. */
  readonly mediaTypes?: readonly string[];
}

/** One success answer of a route: a JSON body of `schema`, a body of `contentType`, or none. */
export interface ReplySpec {
  readonly description: string;
  readonly schema?: z.ZodType;
  /** A non-JSON body (`text/html`): documented as a string. */
  readonly contentType?: string;
  /** Response headers: name → what it holds. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A security scheme of the document: an API key or token as bearer, or an API key as the Basic password. */
export type SecurityScheme = 'bearer' | 'basic';

/** The failures a route documents besides those every guarded route has (400, 401, 403, 503). */
export type ErrorStatus = 400 | 404 | 409 | 412 | 413 | 415;

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;
type BodyOut<B> = B extends BodySpec<infer S> ? (B extends { readByHandler: true } ? undefined : z.output<S>) : undefined;

/** What a route's handler receives: its params, query and body, each validated by its schema. */
export interface RouteInput<P, Q, B> {
  readonly params: Out<P>;
  readonly query: Out<Q>;
  readonly body: BodyOut<B>;
}

/** What a route declares besides its operation id, method, path and guard: the document's words, request and replies. */
export interface RouteAnswers<P, Q, B, R extends Readonly<Record<number, ReplySpec>>> {
  readonly summary: string;
  readonly description?: string;
  /** The credentials a guarded route takes, each alone; default: bearer only. */
  readonly security?: readonly [SecurityScheme, ...SecurityScheme[]];
  /** With a `requires(…)` guard: the subject the request names may act for itself too. */
  readonly self?: SelfRule<RouteInput<P, Q, B>>;
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  readonly responses: R;
  readonly errors?: Readonly<Partial<Record<ErrorStatus, string>>>;
}

/** What a route declares besides its operation id, method and path. */
export interface RouteDetails<P, Q, B, R extends Readonly<Record<number, ReplySpec>>> extends RouteAnswers<P, Q, B, R> {
  readonly guard: Guard;
}

/** A route as declared: operation id, method, path and its details. */
export interface RouteSpec<P, Q, B, R extends Readonly<Record<number, ReplySpec>>> extends RouteDetails<P, Q, B, R> {
  readonly operationId: string;
  readonly method: Method;
  /** The full path, OpenAPI style: `/v1/impersonation/sessions/{sessionId}`. */
  readonly path: string;
}

/** Any declared route. */
// `any`: a list holds routes of different schemas; each keeps its own types where it is served.
export type AnyRoute = RouteSpec<any, any, any, Readonly<Record<number, ReplySpec>>>;

/** The input of a declared route. */
export type InputOf<R> = R extends RouteSpec<infer P, infer Q, infer B, infer _> ? RouteInput<P, Q, B> : never;

/** What a handler may answer: a declared status with a body of its declared schema. */
export type ReplyOf<R extends AnyRoute> = {
  [S in keyof R['responses'] & StatusCode]: R['responses'][S] extends { contentType: string }
    ? Response
    : R['responses'][S] extends { schema: infer X extends z.ZodType }
      ? Response & TypedResponse<JSONParsed<z.output<X>>, S, 'json'>
      : Response & TypedResponse<null, S, 'body'>;
}[keyof R['responses'] & StatusCode];

type ParamsSchema = z.ZodObject;

/**
 * Declares a route: `route('getPolicy', 'get', '/v1/policies/{policyKey}', {…})`. Every `{name}`
 * of the path must be a key of `params`: the document lists each, and the route validates each.
 */
export function route<P extends ParamsSchema | undefined = undefined, Q extends z.ZodType | undefined = undefined, B extends BodySpec | undefined = undefined, const R extends Readonly<Record<number, ReplySpec>> = Readonly<Record<number, ReplySpec>>>(
  operationId: string,
  method: Method,
  path: string,
  details: RouteDetails<P, Q, B, R>,
): RouteSpec<P, Q, B, R> {
  if (details.self && details.guard.kind !== 'permission') throw new Error(`route \`${operationId}\`: a self rule needs a \`requires(…)\` guard`);
  const named = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const declared = Object.keys(details.params?.shape ?? {});
  if (named.sort().join() !== declared.sort().join()) throw new Error(`route \`${operationId}\`: path parameters ${named.join(', ') || 'none'} but params ${declared.join(', ') || 'none'}`);
  return { operationId, method, path, ...details };
}

/** `route` for a family of routes that share one guard (every route of the catalog requires `GOVERNANCE`), stated once. */
export function guardedBy(guard: Guard) {
  return <P extends ParamsSchema | undefined = undefined, Q extends z.ZodType | undefined = undefined, B extends BodySpec | undefined = undefined, const R extends Readonly<Record<number, ReplySpec>> = Readonly<Record<number, ReplySpec>>>(
    operationId: string,
    method: Method,
    path: string,
    details: RouteAnswers<P, Q, B, R>,
  ): RouteSpec<P, Q, B, R> => route<P, Q, B, R>(operationId, method, path, { ...details, guard });
}
