import { randomUUID } from 'node:crypto';

export type ActionStatus = 'SUCCESS' | 'FAILURE' | 'UNAUTHORIZED';

/** Who did something: a user, a service account, an identity provider over SCIM, or anonymous. */
export interface Actor {
  readonly type: 'user' | 'service' | 'iam' | 'anonymous';
  readonly id: string;
  readonly iamid?: string;
}

/** One audit record, Immuta's universal audit model. */
export interface AuditRecord {
  readonly id: string;
  readonly action: string;
  readonly actionStatus: ActionStatus;
  readonly eventTimestamp: string;
  readonly actor: Actor;
  /** The user acted as: the impersonated user under impersonation, else the actor. */
  readonly userId: string;
  readonly impersonationUser?: string;
  readonly targetType: string;
  readonly targets: readonly string[];
  readonly payload: Record<string, unknown>;
  readonly requestId?: string;
  readonly sessionId?: string;
}

/** What a caller supplies; id and time are filled in. */
export type AuditInput = Omit<AuditRecord, 'id' | 'eventTimestamp' | 'userId'> & {
  readonly userId?: string;
};

/** Completes an audit input with a sortable id and the current time. */
export function completeRecord(input: AuditInput, now = new Date()): AuditRecord {
  const eventTimestamp = now.toISOString();
  return {
    ...input,
    id: `${now.getTime().toString(36).padStart(9, '0')}-${randomUUID()}`,
    eventTimestamp,
    userId: input.userId ?? input.actor.id,
  };
}
