import type { Context, ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { HttpError } from '#shared/http/errors.ts';
import type { AppEnv } from '#shared/http/context.ts';
import { RETRY_AFTER_SECONDS } from '#shared/http/problem.ts';
import { auditRefusal } from '#shared/http/refusal.ts';
import { DomainError, type ErrorKind } from '#shared/model/errors.ts';
import type { Services } from '#shared/services.ts';
import type { ScimEnv } from './auth.ts';
import { ScimError, scimErrorBody, type ScimType } from '../rfc/errors.ts';
import { scimJson } from './respond.ts';

/** The one table from a domain error's kind to the RFC 7644 §3.12 error. */
const SCIM_ERRORS: Readonly<Record<ErrorKind, { readonly status: number; readonly scimType?: ScimType }>> = {
  invalid: { status: 400, scimType: 'invalidValue' },
  unauthenticated: { status: 401 },
  forbidden: { status: 403 },
  'not-found': { status: 404 },
  conflict: { status: 409, scimType: 'uniqueness' },
  precondition: { status: 412 },
  unavailable: { status: 503 },
};

/** Maps any thrown value to the RFC 7644 §3.12 error the client sees; undefined for a server fault. */
export function toScimError(err: unknown, ifMatchSent: boolean): ScimError | undefined {
  if (err instanceof ScimError) return err;
  if (err instanceof DomainError) {
    // A lost race: with If-Match the client asked for 412; without, the retries ran out.
    if (err.lostRace) return new ScimError(ifMatchSent ? 412 : 409, err.message);
    const { status, scimType } = SCIM_ERRORS[err.kind];
    return new ScimError(status, err.message, scimType);
  }
  if (err instanceof HttpError) return new ScimError(err.status, err.detail);
  if (err instanceof HTTPException) return new ScimError(err.status, err.message || `status ${err.status}`);
  return undefined;
}

/** Headers of a SCIM error: 401s name the scheme (RFC 6750), 503s when to retry. */
function errorHeaders(status: number): Record<string, string> {
  if (status === 401) return { 'www-authenticate': 'Bearer realm="scim"' };
  return status === 503 ? { 'retry-after': String(RETRY_AFTER_SECONDS) } : {};
}

/** A SCIM error response. */
export function scimErrorResponse(c: Context, err: ScimError): Response {
  return scimJson(c, scimErrorBody(err), err.status, errorHeaders(err.status));
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
