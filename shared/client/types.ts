import type * as z from 'zod';
import type { BodySpec, Method, ReplySpec, RouteSpec } from '#shared/http/route.ts';

/** One operation of the API: where it lives; `R` is its declared route, for types only. */
export interface Operation<R> {
  readonly method: Method;
  readonly path: string;
  /** Never set: carries the route's type to `request`. */
  readonly route?: R;
}

type Optional<T, K extends string> = {} extends T ? { readonly [P in K]?: T } : { readonly [P in K]: T };

type ParamsPart<P> = P extends z.ZodType ? { readonly params: z.input<P> } : { readonly params?: undefined };
type QueryPart<Q> = Q extends z.ZodType ? Optional<z.input<Q>, 'query'> : { readonly query?: undefined };
type BodyPart<B> = B extends BodySpec<infer S> ? (B extends { readonly optional: true } ? { readonly body?: z.input<S> } : { readonly body: z.input<S> }) : { readonly body?: undefined };

/**
 * What a call of a route sends: its path parameters, query and body as the route's schemas take
 * them (before defaults), and extra headers (`If-Match`, `If-None-Match`).
 */
export type RequestOf<R> =
  R extends RouteSpec<infer P, infer Q, infer B, infer _> ? ParamsPart<P> & QueryPart<Q> & BodyPart<B> & { readonly headers?: Readonly<Record<string, string>> } : never;

/** The arguments of `request` for a route: the input may be left out when nothing in it is required. */
export type RequestArgs<R> = {} extends RequestOf<R> ? [input?: RequestOf<R>] : [input: RequestOf<R>];

type BodyOf<S extends ReplySpec> = S extends { readonly schema: infer X extends z.ZodType } ? z.output<X> : null;

/** A success answer of a route: one of its declared statuses, with the body of that status's schema. */
export type ReplyOf<R> =
  R extends RouteSpec<infer _P, infer _Q, infer _B, infer Rs>
    ? {
        [S in keyof Rs & number]: {
          readonly status: S;
          readonly body: BodyOf<Rs[S]>;
          /** The `ETag` header (`W/"<version>"`), when the answer has one. */
          readonly etag: string | undefined;
          readonly headers: Headers;
        };
      }[keyof Rs & number]
    : never;
