import { badRequest, conflict, forbidden, notFound } from '#shared/http/errors.ts';
import {
  ForeignSessionsError,
  ImpersonationNotAllowedError,
  InvalidTargetError,
  SessionConflictError,
  SessionNotFoundError,
  TargetNotFoundError,
} from '#shared/impersonation/errors.ts';

/** The HTTP failure of an impersonation domain error; anything else passes through unchanged. */
export function httpErrorOf(err: unknown): unknown {
  if (err instanceof ImpersonationNotAllowedError || err instanceof ForeignSessionsError) return forbidden(err.message);
  if (err instanceof InvalidTargetError) return badRequest(err.message);
  if (err instanceof TargetNotFoundError || err instanceof SessionNotFoundError) return notFound(err.message);
  if (err instanceof SessionConflictError) return conflict(err.message);
  return err;
}

/** Awaits a domain operation, turning its named failures into HTTP errors. */
export async function domain<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    throw httpErrorOf(err);
  }
}

