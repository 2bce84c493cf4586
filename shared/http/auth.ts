import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { looksLikeJwt } from '#shared/auth/authenticate.ts';
import type { Caller } from '#shared/auth/caller.ts';
import { CSRF_HEADER, csrfHolds, SESSION_COOKIE } from '#shared/auth/console-session.ts';
import type { Services } from '#shared/services.ts';
import type { AppEnv } from './context.ts';
import { forbidden, unauthorized } from './errors.ts';

/** Which credentials a route accepts besides bearer API keys. */
export interface AuthOptions {
  /** Impersonation tokens act as their user here (`/v1/decisions*`, `/userinfo`). */
  readonly acceptImpersonation?: boolean;
  /** HTTP Basic with the API key as password (`/userinfo`, as Immuta calls it). */
  readonly allowBasic?: boolean;
}

/** Methods that change nothing: a console session needs no CSRF token for them. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The credential of an `Authorization` header: a bearer value, or with `allowBasic` the Basic password. */
export function credential(header: string | undefined, allowBasic = false): string | undefined {
  if (!header) return undefined;
  const [scheme, value] = header.trim().split(/\s+/, 2);
  if (!scheme || !value) return undefined;
  if (scheme.toLowerCase() === 'bearer') return value;
  if (allowBasic && scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 ? decoded.slice(colon + 1) : undefined;
  }
  return undefined;
}

/**
 * The caller of a console session cookie (a request without `Authorization`). A change needs the
 * session's CSRF token in `x-csrf-token`: a page of another origin can make the browser send the
 * cookie (SameSite ignores ports), but can neither read nor compute the token. 403 otherwise.
 */
async function sessionCaller(services: Pick<Services, 'consoleSessions'>, c: Context<AppEnv>, secret: string): Promise<Caller> {
  const { caller } = await services.consoleSessions.resolve(secret);
  c.set('caller', caller);
  if (!SAFE_METHODS.has(c.req.method) && !csrfHolds(secret, c.req.header(CSRF_HEADER))) {
    throw forbidden(`a console session needs its csrf token in \`${CSRF_HEADER}\` to change anything`);
  }
  return caller;
}

/**
 * Resolves the caller or fails with 401: an `Authorization` credential, else a console session
 * cookie. Impersonation tokens off their routes fail with 403.
 */
export function authenticate(services: Pick<Services, 'authenticator' | 'impersonation' | 'consoleSessions'>, options: AuthOptions = {}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    const cred = credential(header, options.allowBasic ?? false);
    const secret = header === undefined ? getCookie(c, SESSION_COOKIE) : undefined;
    if (!cred && !secret) throw unauthorized();
    // An unknown, expired or revoked credential is an `AuthenticationError`: 401 by its kind.
    const caller: Caller = cred
      ? looksLikeJwt(cred)
        ? await services.impersonation.verify(cred)
        : await services.authenticator.apiKey(cred)
      : await sessionCaller(services, c, secret!);
    c.set('caller', caller);
    if (caller.via === 'impersonation' && !options.acceptImpersonation) {
      throw forbidden('an impersonation token is accepted only by `/v1/decisions` and `/userinfo`');
    }
    await next();
  };
}

