import type { Context } from 'hono';
import { isSelf } from '#shared/http/auth.ts';
import type { AppEnv } from '#shared/http/context.ts';
import { badRequest, forbidden } from '#shared/http/errors.ts';
import type { UserRef } from '#shared/model/identity.ts';

/**
 * The user a decision is about: the one named (asking about another user needs QUERY_ENGINE
 * or GOVERNANCE), else the calling user itself (the impersonated user under impersonation).
 */
export function decisionSubject(c: Context<AppEnv>, named: { userid: string; iamid?: string | undefined } | undefined, defaultIam: string): UserRef {
  const caller = c.get('caller');
  if (!named) {
    if (caller.principal.type !== 'user') throw badRequest('`user`: required when the caller is a service account');
    return { iamid: caller.principal.iamid, userid: caller.principal.id };
  }
  const ref = { iamid: named.iamid ?? defaultIam, userid: named.userid };
  if (!isSelf(caller, ref.iamid, ref.userid) && !caller.permissions.has('QUERY_ENGINE') && !caller.permissions.has('GOVERNANCE')) {
    throw forbidden('asking about another user requires permission `QUERY_ENGINE` or `GOVERNANCE`');
  }
  return ref;
}
