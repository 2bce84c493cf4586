import type { MiddlewareHandler } from 'hono';
import { sha256Hex } from '#shared/auth/secrets.ts';
import type { AppEnv } from '#shared/http/context.ts';
import type { Services } from '#shared/services.ts';
import type { IamRecord } from '#shared/store/iams.ts';
import { ScimError } from './errors.ts';

/** Hono environment of the SCIM routes: the IAM whose token authenticated the request. */
export interface ScimEnv {
  Variables: AppEnv['Variables'] & { iam: IamRecord };
}

/** A missing or unknown SCIM token: 401 with the SCIM error body. */
export class ScimUnauthorizedError extends ScimError {
  override readonly name = 'ScimUnauthorizedError';
  constructor(detail: string) {
    super(401, detail);
  }
}

const BEARER = /^bearer\s+(\S+)$/i;

/** Resolves `Authorization: Bearer <scim token>` to its IAM (the token is looked up by its SHA-256 only). */
export function scimAuth(services: Services): MiddlewareHandler<ScimEnv> {
  return async (c, next) => {
    const token = BEARER.exec(c.req.header('authorization')?.trim() ?? '')?.[1];
    if (!token) throw new ScimUnauthorizedError('missing bearer token');
    const iam = await services.iams.getByScimTokenHash(sha256Hex(token));
    if (!iam) throw new ScimUnauthorizedError('invalid scim token');
    c.set('iam', iam);
    await next();
  };
}
