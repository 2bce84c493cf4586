import { createPolicyApp } from '#functions/policy/app.ts';
import { sha256Hex } from '#shared/auth/secrets.ts';
import { DecisionService, type DecisionOptions } from '#shared/decision-service/index.ts';
import type { Permission, Principal } from '#shared/model/identity.ts';
import type { Services } from '#shared/services.ts';
import { ADMIN_KEY, bearer, localServices } from './services.ts';

/** A policy app over seeded local services, with fast refresh so tests see changes quickly. */
export async function seededPolicyApp(options: DecisionOptions = { refreshMs: 50, userCacheMs: 50 }) {
  const { services } = await localServices(true);
  const decisions = new DecisionService(services, options);
  return { services, decisions, app: createPolicyApp(services, decisions), adminKey: ADMIN_KEY };
}

let counter = 0;

/** Creates an API key for a principal directly in the store and returns it. */
export async function keyFor(services: Services, principal: Principal, permissions: Permission[] = []): Promise<string> {
  const apiKey = `wdn_test-${principal.id}-${counter++}-${Math.random().toString(36).slice(2)}`;
  await services.apiKeys.create({ hash: sha256Hex(apiKey), name: 'test', principal, permissions, createdBy: 'test' });
  return apiKey;
}

/** Waits a little longer than the given refresh interval. */
export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The parties of an access request in IAM `bim`: `alice` asks, `owner1` owns the sources, `stranger` neither; each as its bearer header. */
export async function requestParties(services: Services): Promise<Record<'alice' | 'owner' | 'stranger', Record<string, string>>> {
  const party = async (userid: string) => {
    await services.users.create({ iamid: 'bim', userid, displayName: userid });
    return bearer(await keyFor(services, { type: 'user', iamid: 'bim', id: userid }));
  };
  return { alice: await party('alice'), owner: await party('owner1'), stranger: await party('stranger') };
}
