import { auditId } from '#shared/audit/record.ts';
import type { Caller } from '#shared/auth/caller.ts';
import { AuthenticationError } from '#shared/auth/errors.ts';
import type { Services } from '#shared/services.ts';
import { LoginError } from '../errors.ts';

/** How much of a refused user name the audit keeps. */
const AUDITED_NAME_LENGTH = 256;

/** The user name that names a principal: `okta/edixon` for a user, `bi-tool` for a service principal. */
export function loginName(caller: Caller): string {
  const p = caller.principal;
  return p.type === 'user' ? `${p.iamid}/${p.id}` : p.id;
}

/**
 * Logs in with a Warden API key as the password: the user name must name the key's principal
 * (the bootstrap admin key never logs in: it is no principal's). A refusal is audited, then
 * thrown as 28P01 without saying whether the key or the name was wrong.
 */
export async function login(services: Pick<Services, 'authenticator' | 'audit'>, user: string, password: string, client: string): Promise<Caller> {
  let caller: Caller | undefined;
  let reason: string;
  try {
    caller = await services.authenticator.apiKey(password);
    reason = caller.via === 'bootstrap' ? 'the bootstrap admin key cannot log in to the query engine' : 'the user name does not name the api key\'s principal';
    if (caller.via !== 'bootstrap' && loginName(caller) === user) return caller;
  } catch (err) {
    if (!(err instanceof AuthenticationError)) throw err;
    reason = err.message;
  }
  const actor = { type: 'anonymous', id: 'anonymous' } as const;
  await services.audit.write({
    actor,
    userId: auditId(actor),
    action: 'AUTHENTICATE',
    actionStatus: 'UNAUTHORIZED',
    targetType: 'queryEngine',
    targets: ['login'],
    payload: { user: Array.from(user).slice(0, AUDITED_NAME_LENGTH).join(''), reason, client, ...(caller ? { keyId: caller.keyId } : {}) },
  });
  throw new LoginError(user);
}
