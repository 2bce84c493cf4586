import type { MiddlewareHandler } from 'hono';
import { looksLikeJwt } from '#shared/auth/authenticate.ts';
import type { Caller } from '#shared/auth/caller.ts';
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

function credential(header: string | undefined, allowBasic: boolean): string | undefined {
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

/** Resolves the caller or fails with 401; impersonation tokens off their routes fail with 403. */
export function authenticate(services: Pick<Services, 'authenticator' | 'impersonation'>, options: AuthOptions = {}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const cred = credential(c.req.header('authorization'), options.allowBasic ?? false);
    if (!cred) throw unauthorized();
    // An unknown, expired or revoked credential is an `AuthenticationError`: 401 by its kind.
    const caller: Caller = looksLikeJwt(cred) ? await services.impersonation.verify(cred) : await services.authenticator.apiKey(cred);
    c.set('caller', caller);
    if (caller.via === 'impersonation' && !options.acceptImpersonation) {
      throw forbidden('an impersonation token is accepted only by `/v1/decisions` and `/userinfo`');
    }
    await next();
  };
}

