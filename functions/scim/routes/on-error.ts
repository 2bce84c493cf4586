import type { Context, ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { HttpError } from '#shared/http/errors.ts';
import type { AppEnv } from '#shared/http/context.ts';
import { auditRefusal } from '#shared/http/refusal.ts';
import type { Services } from '#shared/services.ts';
import { ConflictError, NotFoundError, VersionMismatchError } from '#shared/store/errors.ts';
import type { ScimEnv } from './auth.ts';
import { ScimError, scimErrorBody } from '../rfc/errors.ts';
import { scimJson } from './respond.ts';

/** Maps any thrown value to the RFC 7644 §3.12 error the client sees; undefined for a server fault. */
export function toScimError(err: unknown, ifMatchSent: boolean): ScimError | undefined {
  if (err instanceof ScimError) return err;
  if (err instanceof ConflictError) return new ScimError(409, err.message, 'uniqueness');
  if (err instanceof NotFoundError) return new ScimError(404, err.message);
  // A lost race: with If-Match the client asked for 412; without, the retries ran out.
  if (err instanceof VersionMismatchError) return new ScimError(ifMatchSent ? 412 : 409, err.message);
  if (err instanceof HttpError) return new ScimError(err.status, err.detail);
  if (err instanceof HTTPException) return new ScimError(err.status, err.message || `status ${err.status}`);
  return undefined;
}

/** A SCIM error response (401s name the scheme, as RFC 6750 asks). */
export function scimErrorResponse(c: Context, err: ScimError): Response {
  return scimJson(c, scimErrorBody(err), err.status, err.status === 401 ? { 'www-authenticate': 'Bearer realm="scim"' } : {});
}

/**
 * The SCIM app's error handler: SCIM bodies instead of problem+json, every 4xx but 404 audited
 * (as the shared base app does), server faults logged and answered 500 without details.
 */
export function scimErrorHandler(services: Services): ErrorHandler<AppEnv> {
  return async (err, c) => {
    const mapped = toScimError(err, c.req.header('if-match') !== undefined);
    if (!mapped) {
      c.get('log')?.error('unhandled error', { error: err instanceof Error ? err.stack : String(err) });
      return scimErrorResponse(c, new ScimError(500, 'unexpected error; see the logs for the request id'));
    }
    const iam = (c.var as Partial<ScimEnv['Variables']>).iam;
    const actor = iam ? { type: 'iam' as const, id: iam.id } : { type: 'anonymous' as const, id: 'anonymous' };
    await auditRefusal(services, c, { actor }, mapped.status, {
      detail: mapped.detail,
      ...(mapped.scimType ? { scimType: mapped.scimType } : {}),
    });
    return scimErrorResponse(c, mapped);
  };
}
