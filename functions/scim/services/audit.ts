import { userAuditId, type AuditInput } from '#shared/audit/record.ts';

/** Who made a SCIM change, and in which request. */
export interface ChangeContext {
  readonly iamid: string;
  readonly requestId?: string;
}

/** The audit record of one SCIM change, written in the transaction of the change itself. */
export function scimChangeAudit(
  ctx: ChangeContext,
  action: 'CREATE' | 'UPDATE' | 'DELETE',
  targetType: 'user' | 'group',
  targets: readonly string[],
  payload: Record<string, unknown> = {},
): AuditInput {
  return {
    actor: { type: 'iam', id: ctx.iamid },
    // For users the record is also findable by the user it changed.
    ...(targetType === 'user' && targets[1] ? { userId: userAuditId({ iamid: ctx.iamid, userid: targets[1] }) } : {}),
    action,
    actionStatus: 'SUCCESS',
    targetType,
    targets,
    payload: { iamid: ctx.iamid, ...payload },
    ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
  };
}
