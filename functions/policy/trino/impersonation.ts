import { auditId, userAuditId, type Actor } from '#shared/audit/record.ts';
import { mayImpersonate } from '#shared/impersonation/rule.ts';
import type { DecidingServices } from '#shared/services.ts';
import { activeUser, wardenRef } from './identity.ts';
import type { TrinoAsk } from './rules.ts';

/** What deciding `ImpersonateUser` needs. */
export type ImpersonationDeps = Pick<DecidingServices, 'decisions' | 'impersonationSettings' | 'audit' | 'config'>;

/**
 * Trino's `ImpersonateUser` (`--session-user`, JDBC `sessionUser`): allowed only when the
 * authenticated user may impersonate under Warden's one rule and the target is an active user.
 * Allowed and refused attempts are audited as impersonation events naming both users.
 */
export async function impersonationAllowed(deps: ImpersonationDeps, ask: TrinoAsk, trinoTarget: string | undefined, groups: readonly string[]): Promise<boolean> {
  const { integration } = ask;
  const self = wardenRef(integration, ask.trinoUser);
  const targetRef = trinoTarget === undefined ? undefined : wardenRef(integration, trinoTarget);
  let reason: string | undefined;
  if (!ask.user || !self) reason = `trino user \`${ask.trinoUser}\` is not an active user of iam \`${integration.iamid}\``;
  else if (!targetRef || !(await activeUser(deps.decisions, targetRef))) reason = `session user \`${trinoTarget ?? ''}\` is not an active user of iam \`${integration.iamid}\``;
  else {
    const settings = await deps.impersonationSettings.current();
    const principal = { type: 'user' as const, iamid: self.iamid, id: self.userid };
    const verdict = mayImpersonate({ principal, via: 'api-key', permissions: new Set(ask.user.view.user.profile.permissions) }, settings, deps.config.requireAllowList);
    if (!verdict.allowed) reason = verdict.reason;
  }
  const actor: Actor = self ? { type: 'user', iamid: self.iamid, id: self.userid } : { type: 'service', id: `trino:${integration.id}` };
  await deps.audit.write({
    actor,
    userId: targetRef ? userAuditId(targetRef) : auditId(actor),
    impersonationUser: auditId(actor),
    action: 'IMPERSONATE',
    actionStatus: reason ? 'UNAUTHORIZED' : 'SUCCESS',
    targetType: 'trinoIntegration',
    targets: [integration.id],
    payload: {
      via: 'trino',
      event: 'sessionUser',
      trinoUser: ask.trinoUser,
      sessionUser: trinoTarget ?? null,
      // Trino's groups are recorded, never trusted: Warden's own groups decide.
      trinoGroups: groups.slice(0, 100),
      ...(targetRef ? { user: targetRef } : {}),
      ...(reason ? { reason } : {}),
    },
  });
  return reason === undefined;
}
