import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { createImpersonationApp } from '#functions/impersonation/app.ts';
import { sha256Hex } from '#shared/auth/secrets.ts';
import { readConfig } from '#shared/config.ts';
import { settingsFromEnv } from '#shared/impersonation/settings.ts';
import type { ImpersonationSettings } from '#shared/model/impersonation.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '#local/dynamo.ts';
import type { Permission } from '#shared/model/identity.ts';
import { decisionService } from '#shared/decision-service/index.ts';
import { createServices, type DecidingServices } from '#shared/services.ts';
import { createDb } from '#shared/store/client.ts';
import { ensureTables } from '#shared/store/create-tables.ts';
import { ADMIN_KEY, bearer, json } from '../../support/services.ts';

export const ISSUER = 'http://warden.test';

/** The deployment part of the impersonation rule, as both the minting app and the verifier get it. */
export interface Deployment {
  readonly defaults?: Partial<ImpersonationSettings>;
  readonly requireAllowList?: boolean;
}

/** Services whose verifier accepts impersonation tokens, over fresh tables; `now` is adjustable. */
export async function impersonationServices(cacheMs = 0, deployment: Deployment = {}): Promise<{ services: DecidingServices; clock: { now: number } }> {
  const db = createDb({ endpoint: inject('dynamoEndpoint'), region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, tablePrefix: `t${randomUUID().slice(0, 8)}_` });
  await ensureTables(db);
  const hash = sha256Hex(ADMIN_KEY);
  const clock = { now: Date.now() };
  const config = {
    ...readConfig({ ...process.env, WARDEN_ISSUER: ISSUER, LOG_LEVEL: 'silent' }),
    impersonationDefaults: { ...settingsFromEnv({}), ...deployment.defaults },
    requireAllowList: deployment.requireAllowList ?? false,
  };
  const services = createServices(db, config, { bootstrapKeyHash: async () => hash, verifierCacheMs: cacheMs, now: () => clock.now, decisions: decisionService });
  return { services, clock };
}

/**
 * The impersonation app with its own deployment defaults (as a separate function would have
 * them), over the same tables, authenticator and verifier as `services`, on the test clock.
 */
export function impersonationApp(services: DecidingServices, clock: { now: number }, defaults: Partial<ImpersonationSettings> = {}, requireAllowList = false) {
  const config = { ...services.config, impersonationDefaults: { ...settingsFromEnv({}), ...defaults }, requireAllowList };
  const own = createServices(services.db, config, { bootstrapKeyHash: async () => sha256Hex(ADMIN_KEY), now: () => clock.now, signer: () => services.signer, decisions: decisionService });
  return createImpersonationApp({ ...own, authenticator: services.authenticator, impersonation: services.impersonation });
}

/** Creates an active user in `iamid`, optionally with permissions. */
export async function user(services: DecidingServices, iamid: string, userid: string, permissions: Permission[] = []) {
  return services.users.create({ iamid, userid, displayName: userid, permissions });
}

/** An API key for a principal, created as the bootstrap admin would. */
export async function apiKeyFor(services: DecidingServices, principal: { type: 'user'; iamid: string; id: string } | { type: 'service'; id: string }, permissions: Permission[] = []): Promise<string> {
  const { newSecret } = await import('#shared/auth/secrets.ts');
  const key = newSecret('wdn');
  await services.apiKeys.create({ hash: sha256Hex(key), name: 'test', principal, permissions: principal.type === 'service' ? permissions : [], createdBy: 'test' });
  return key;
}

/** The answer of `PUT /v1/impersonation/sessions/{id}`. */
export interface SessionAnswer {
  sessionId: string;
  user: { iamid: string; userid: string };
  impersonator: { type: string; id: string; iamid?: string };
  token: string;
  tokenType: string;
  expiresAt: string;
}

/** `PUT /v1/impersonation/sessions/{id}` with a key. */
export function putSession(app: { request: (path: string, init: RequestInit) => Response | Promise<Response> }, key: string, sessionId: string, body: unknown) {
  return app.request(`/v1/impersonation/sessions/${encodeURIComponent(sessionId)}`, json('PUT', body, bearer(key)));
}
