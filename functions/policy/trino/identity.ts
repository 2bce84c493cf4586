import type { Caller } from '#shared/auth/caller.ts';
import { UnknownUserError, type DecisionService } from '#shared/decision-service/index.ts';
import type { CachedUser } from '#shared/decision-service/user-cache.ts';
import { idSchema, type UserRef } from '#shared/model/identity.ts';
import type { TrinoIntegrationRecord } from '#shared/store/integrations.ts';

/** The Warden user a Trino user name stands for, through the integration's IAM and template; undefined when no userid can be. */
export function wardenRef(integration: TrinoIntegrationRecord, trinoUser: string): UserRef | undefined {
  const userid = integration.useridTemplate ? integration.useridTemplate.replaceAll('{userid}', trinoUser) : trinoUser;
  return idSchema.safeParse(userid).success ? { iamid: integration.iamid, userid } : undefined;
}

/** The user as decisions see it when it exists and is active; undefined otherwise (denied everything). */
export async function activeUser(decisions: DecisionService, ref: UserRef | undefined): Promise<CachedUser | undefined> {
  if (!ref) return undefined;
  try {
    const user = await decisions.user(ref);
    return user.view.subject.active ? user : undefined;
  } catch (err) {
    if (err instanceof UnknownUserError) return undefined;
    throw err;
  }
}

/** Who asks, for the audit trail: the integration, as a query engine. */
export function integrationCaller(integration: TrinoIntegrationRecord): Caller {
  return { principal: { type: 'service', id: `trino:${integration.id}` }, permissions: new Set(['QUERY_ENGINE']), via: 'api-key' };
}
