import type { Context } from 'hono';
import type { Caller } from '#shared/auth/caller.ts';
import { permissionsText, requireSelfOr, subjectPrincipal, type Permissions, type Subject } from '#shared/auth/permission.ts';
import type { Principal } from '#shared/model/identity.ts';
import type { AppEnv } from './context.ts';
import { unauthorized } from './errors.ts';

/**
 * Who may call a route, declared with it: what the route enforces and what the OpenAPI
 * document says come from this one value.
 */
export type Guard =
  | { readonly kind: 'open' }
  | { readonly kind: 'caller'; readonly rule?: string }
  | { readonly kind: 'permission'; readonly anyOf: Permissions }
  | { readonly kind: 'query-key'; readonly rule: string };

/**
 * With a `requires(…)` guard: the caller may also be the subject the request names (a user of
 * the path, the impersonator of the query). `I` is the route's validated input.
 */
export interface SelfRule<I> {
  /**
   * The subject the validated input names; undefined: the caller itself. `defaultIam` is the
   * IAM of a user the request names without one (`{"user":{"userid":"bob"}}`).
   */
  readonly subject: (input: I, deployment: { readonly defaultIam: string }) => Subject | undefined;
  /** Who may, for the document: `the user itself`. */
  readonly who: string;
  /**
   * The refusal's message, when the default (the permissions, `or to be the user`) says too
   * little about this subject or this caller; undefined: the default.
   */
  readonly refusal?: (subject: Principal, caller: Caller) => string | undefined;
}

/** No credentials at all (JWKS, health, the document). */
export const open = (): Guard => ({ kind: 'open' });

/**
 * A credential of the route's own in the `key` query parameter, which the handler checks before
 * it reads the request (Trino's OPA plugin sends no headers); `rule` says whose it is.
 */
export const queryKey = (rule: string): Guard => ({ kind: 'query-key', rule });

/** Any authenticated caller; what it may do is the domain's rule, which `rule` states. */
export const authenticated = (rule?: string): Guard => ({ kind: 'caller', ...(rule ? { rule } : {}) });

/** The caller holds one of `anyOf` (or, with a `self` rule, is the subject itself). */
export const requires = (...anyOf: Permissions): Guard => ({ kind: 'permission', anyOf });

/**
 * The user a `{iamid}/{userid}` path names may act for itself; anyone else needs the guard's
 * permissions, and is refused with `refusal` when given (else the default message).
 */
export function userOfPath(refusal?: string): SelfRule<{ readonly params: Subject }> {
  return { subject: ({ params }) => params, who: 'the user itself', ...(refusal === undefined ? {} : { refusal: () => refusal }) };
}

/** `requires('QUERY_ENGINE', 'GOVERNANCE')`, or the user of the path itself: who may read what a user may query. */
export const theUserOrEngines = (refusal: string) => ({ guard: requires('QUERY_ENGINE', 'GOVERNANCE'), self: userOfPath(refusal) }) as const;

/** The caller, or 401 when no authentication ran: a guarded route never answers anonymously. */
function callerOf(c: Context<AppEnv>) {
  const caller = c.get('caller') as AppEnv['Variables']['caller'] | undefined;
  if (!caller) throw unauthorized();
  return caller;
}

/**
 * Enforces what is known before the request is read: credentials, and permissions unless the
 * subject may act for itself. A 403 comes before any 400, as it always did.
 */
export function guardBeforeInput(c: Context<AppEnv>, guard: Guard, self: boolean): void {
  if (guard.kind === 'open' || guard.kind === 'query-key') return;
  const caller = callerOf(c);
  if (guard.kind === 'permission' && !self) requireSelfOr(caller, undefined, guard.anyOf);
}

/** Enforces a self rule on the validated input: the subject itself, or one of the guard's permissions. */
export function guardOnInput<I>(c: Context<AppEnv>, guard: Guard, self: SelfRule<I> | undefined, input: I): void {
  if (!self || guard.kind !== 'permission') return;
  const caller = callerOf(c);
  const subject = self.subject(input, { defaultIam: c.get('defaultIam') }) ?? caller.principal;
  requireSelfOr(caller, subject, guard.anyOf, self.refusal?.(subjectPrincipal(subject), caller));
}

/** What the document says of a guard: the `x-warden-permission` extension and a sentence. */
export function describeGuard(guard: Guard, self?: SelfRule<never>): { readonly permission?: string; readonly sentence: string } {
  switch (guard.kind) {
    case 'open':
      return { sentence: 'No credentials.' };
    case 'caller':
      return { sentence: guard.rule ?? 'Any authenticated caller.' };
    case 'query-key':
      return { sentence: guard.rule };
    case 'permission': {
      const permission = guard.anyOf.join(' or ');
      if (!self) return { permission, sentence: `${capitalised(permissionsText(guard.anyOf))}.` };
      return { permission: `self or ${permission}`, sentence: `Allowed to ${self.who}, or with permission ${guard.anyOf.map((p) => `\`${p}\``).join(' or ')}.` };
    }
  }
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
