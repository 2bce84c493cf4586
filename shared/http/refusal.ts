import type { Context } from 'hono';
import type { AuditInput } from '#shared/audit/record.ts';
import type { Services } from '#shared/services.ts';
import type { AppEnv } from './context.ts';

/** Who made a refused request, as the audit names it. */
export type RefusedBy = Pick<AuditInput, 'actor' | 'userId' | 'impersonationUser' | 'sessionId'>;

/**
 * Audits a refused request (every 4xx but 404, which only says a path is unknown). A failed
 * audit write is logged and never turns the refusal into a 5xx.
 */
export async function auditRefusal(
  services: Pick<Services, 'audit'>,
  c: Context<AppEnv>,
  who: RefusedBy,
  status: number,
  payload: Record<string, unknown>,
): Promise<void> {
  if (status === 404) return;
  const denied = status === 401 || status === 403;
  try {
    await services.audit.write({
      ...who,
      action: status === 401 ? 'AUTHENTICATE' : status === 403 ? 'AUTHORIZE' : 'REQUEST',
      actionStatus: denied ? 'UNAUTHORIZED' : 'FAILURE',
      targetType: 'request',
      targets: [`${c.req.method} ${c.req.path}`],
      payload: { status, ...payload },
      requestId: c.get('requestId'),
    });
  } catch (auditErr) {
    c.get('log')?.error('audit write failed', { error: String(auditErr) });
  }
}
