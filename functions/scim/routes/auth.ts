import type { MiddlewareHandler } from 'hono';
import { digestsEqual, sha256Hex } from '#shared/auth/secrets.ts';
import type { AppEnv } from '#shared/http/context.ts';
import type { Services } from '#shared/services.ts';
import type { IamRecord } from '#shared/store/iams.ts';
import { ScimError } from '../rfc/errors.ts';

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
/** Token hashes remembered per function instance; a few IAMs exist, so this stays small. */
const MAX_REMEMBERED = 1000;

/**
 * Resolves `Authorization: Bearer <scim token>` to its IAM (the token is looked up by its
 * SHA-256 only). The hash → IAM id step is remembered; the IAM item is read on every request
 * and stays the authority, so a rotated or disabled token stops working at once.
 */
export function scimAuth(services: Services): MiddlewareHandler<ScimEnv> {
  const iamOfHash = new Map<string, string>();
  const resolve = async (hash: string): Promise<IamRecord | undefined> => {
    const known = iamOfHash.get(hash);
    const cached = known ? await services.iams.get(known) : undefined;
    if (cached?.scim.enabled && cached.scim.tokenHash && digestsEqual(cached.scim.tokenHash, hash)) return cached;
    const iam = await services.iams.getByScimTokenHash(hash);
    if (iamOfHash.size >= MAX_REMEMBERED) iamOfHash.clear();
    if (iam) iamOfHash.set(hash, iam.id);
    return iam;
  };
  return async (c, next) => {
    const token = BEARER.exec(c.req.header('authorization')?.trim() ?? '')?.[1];
    if (!token) throw new ScimUnauthorizedError('missing bearer token');
    const iam = await resolve(sha256Hex(token));
    if (!iam) throw new ScimUnauthorizedError('invalid scim token');
    c.set('iam', iam);
    await next();
  };
}
