import type { Context } from 'hono';
import type { AuditInput } from '#shared/audit/record.ts';
import { auditIdentity } from '#shared/auth/caller.ts';
import type { AppEnv } from './context.ts';

/** The audit record of a successful change made by this request's caller. */
export function changeAudit(c: Context<AppEnv>, change: Pick<AuditInput, 'action' | 'targetType' | 'targets' | 'payload'>): AuditInput {
  return { ...auditIdentity(c.get('caller')), actionStatus: 'SUCCESS', requestId: c.get('requestId'), ...change };
}
