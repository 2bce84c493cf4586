import { randomUUID } from 'node:crypto';
import type { UserRef } from '#shared/model/identity.ts';
import { currentRequest } from './request-scope.ts';

export type ActionStatus = 'SUCCESS' | 'FAILURE' | 'UNAUTHORIZED';

/**
 * Who did something: a user, a service account, an identity provider over SCIM, the bootstrap
 * admin key (no service account: a service named `admin` is another actor), or anonymous.
 */
export type Actor =
  | { readonly type: 'user'; readonly iamid: string; readonly id: string }
  | { readonly type: 'service' | 'iam' | 'bootstrap' | 'anonymous'; readonly id: string };

declare const qualified: unique symbol;
/**
 * The qualified id an audit record names someone by: `iamid/userid` for a user, `service:<id>`,
 * `iam:<id>`, `bootstrap:admin` or `anonymous`. Only `auditId` and `userAuditId` make one, so a
 * bare id cannot be written where a qualified one belongs.
 */
export type AuditId = string & { readonly [qualified]: true };

/** The qualified audit id of an actor. */
export function auditId(actor: Actor): AuditId {
  if (actor.type === 'user') return userAuditId({ iamid: actor.iamid, userid: actor.id });
  return (actor.type === 'anonymous' ? 'anonymous' : `${actor.type}:${actor.id}`) as AuditId;
}

/** The qualified audit id of a user: `iamid/userid`. */
export function userAuditId(user: UserRef): AuditId {
  return `${user.iamid}/${user.userid}` as AuditId;
}

/**
 * The bare id inside a qualified one (`okta/jdoe` → `jdoe`, `service:bi-tool` → `bi-tool`),
 * which `GET /v1/audit?userid=` matches. An iamid has neither `/` nor `:`, so the first of them
 * ends the qualifier.
 */
export function bareId(id: AuditId): string {
  return /^[A-Za-z0-9._-]+[/:]([^]*)$/.exec(id)?.[1] ?? id;
}

/** One audit record, Immuta's universal audit model. */
export interface AuditRecord {
  readonly id: string;
  readonly action: string;
  readonly actionStatus: ActionStatus;
  readonly eventTimestamp: string;
  readonly actor: Actor;
  /** The one acted as: the impersonated user under impersonation, else the actor. */
  readonly userId: AuditId;
  /** The impersonator, under impersonation. */
  readonly impersonationUser?: AuditId;
  readonly targetType: string;
  readonly targets: readonly string[];
  readonly payload: Record<string, unknown>;
  /** Warden's id of the request (its `x-request-id` answer header). */
  readonly requestId?: string;
  /** The `x-request-id` the client sent, kept apart from ours: it is the client's word only. */
  readonly clientRequestId?: string;
  readonly sessionId?: string;
}

/** What a caller supplies; id, time and, inside a request, its ids are filled in. */
export type AuditInput = Omit<AuditRecord, 'id' | 'eventTimestamp' | 'userId' | 'clientRequestId'> & {
  readonly userId?: AuditId;
};

/** Completes an audit input with a sortable id, the current time and the current request's ids. */
export function completeRecord(input: AuditInput, now = new Date()): AuditRecord {
  const request = currentRequest();
  const requestId = input.requestId ?? request?.requestId;
  return {
    ...input,
    id: `${now.getTime().toString(36).padStart(9, '0')}-${randomUUID()}`,
    eventTimestamp: now.toISOString(),
    userId: input.userId ?? auditId(input.actor),
    ...(requestId ? { requestId } : {}),
    ...(request?.clientRequestId ? { clientRequestId: request.clientRequestId } : {}),
  };
}
