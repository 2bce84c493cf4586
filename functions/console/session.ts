import type { Context, Hono } from 'hono';
import type { BlankEnv } from 'hono/types';
import { getCookie } from 'hono/cookie';
// The cookie the API sets at sign-in; the console only forwards it.
import { SESSION_COOKIE } from '#shared/auth/console-session.ts';
import { createWardenClient, WardenApiError, type ReplyOf, type RouteOf, type WardenClient } from '#shared/client/index.ts';
import type { Permission } from '#shared/model/identity.ts';

/** The signed-in session as the API describes it (`GET /v1/console/session`). */
export type Session = ReplyOf<RouteOf<'getConsoleSession'>>['body'];

/** How the console reaches the API. */
export interface ConsoleOptions {
  /** The API's base URL; default: the request's own origin (the console is served by the same HTTP API). */
  readonly apiBaseUrl?: string;
  /** The `fetch` the client uses (tests route it to an in-process server). */
  readonly fetch?: typeof fetch;
}

/** One request's view of the API: the typed client carrying the caller's cookie, and its session. */
export interface Signed {
  readonly api: WardenClient;
  readonly session: Session;
  may(...anyOf: Permission[]): boolean;
  /** The signed-in user, if the session is a user's. */
  readonly user?: { readonly iamid: string; readonly userid: string };
}

/** Thrown when the request has no live session: the pages answer with the sign-in page. */
export class SignedOut extends Error {
  override readonly name = 'SignedOut';
}

/** A client of the API for this request: the request's origin unless configured, with extra headers. */
export function apiClient(c: Context, options: ConsoleOptions, headers: Record<string, string> = {}): WardenClient {
  const baseUrl = options.apiBaseUrl ?? new URL(c.req.url).origin;
  return createWardenClient({ baseUrl, headers: { 'user-agent': 'warden-console', ...headers }, ...(options.fetch ? { fetch: options.fetch } : {}) });
}

/** The request's cookie, as the API takes it; `SignedOut` when there is none. */
function cookieOf(c: Context): string {
  const secret = getCookie(c, SESSION_COOKIE);
  if (!secret) throw new SignedOut();
  return `${SESSION_COOKIE}=${secret}`;
}

/** The request's session, asked of the API with the request's cookie; `SignedOut` when there is none. */
export async function signedIn(c: Context, options: ConsoleOptions): Promise<Signed> {
  const api = apiClient(c, options, { cookie: cookieOf(c) });
  let session: Session;
  try {
    session = (await api.request('getConsoleSession')).body;
  } catch (err) {
    if (err instanceof WardenApiError && err.status === 401) throw new SignedOut();
    throw err;
  }
  const permissions = new Set<string>(session.permissions);
  const p = session.principal;
  return {
    api,
    session,
    may: (...anyOf) => anyOf.some((perm) => permissions.has(perm)),
    ...(p.type === 'user' ? { user: { iamid: p.iamid, userid: p.id } } : {}),
  };
}

/**
 * A posted form and a client that makes its change: the cookie, and the form's own `csrf` field as
 * `x-csrf-token`. The console never adds the token itself, so a form another page made the
 * browser post carries none, and the API refuses it.
 */
export async function posted(c: Context, options: ConsoleOptions): Promise<{ api: WardenClient; form: Record<string, string> }> {
  const cookie = cookieOf(c);
  const body = await c.req.parseBody();
  const form: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) if (typeof value === 'string') form[name] = value;
  return { api: apiClient(c, options, { cookie, 'x-csrf-token': form.csrf ?? '' }), form };
}

/** Serves `GET path` to a signed-in caller only: `render` gets the request and the caller's view of the API. */
export function signedGet<P extends string>(app: Hono, options: ConsoleOptions, path: P, render: (c: Context<BlankEnv, P>, signed: Signed) => Response | Promise<Response>): void {
  app.get(path, async (c) => render(c, await signedIn(c, options)));
}
