import type { Hono } from 'hono';
import { createBaseApp } from '#shared/http/app.ts';
import { authenticate } from '#shared/http/auth.ts';
import type { AppEnv } from '#shared/http/context.ts';
import type { ImpersonationDeps } from '#shared/impersonation/impersonate.ts';
import { LocalSigner } from '#shared/impersonation/local-signer.ts';
import { SessionStore } from '#shared/impersonation/sessions.ts';
import { requireAllowListFromEnv, settingsFromEnv, type ImpersonationSettings } from '#shared/impersonation/settings.ts';
import { SettingsStore } from '#shared/impersonation/settings-store.ts';
import type { TokenSigner } from '#shared/impersonation/signer.ts';
import { SigningKeyStore } from '#shared/impersonation/signing-keys.ts';
import type { Services } from '#shared/services.ts';
import { jwksRoutes } from './jwks.ts';
import { sessionRoutes } from './sessions.ts';
import { settingsRoutes } from './settings.ts';

/** What the impersonation function is built from besides the shared services. */
export interface ImpersonationAppOptions {
  /** Defaults to the local signer (a key generated at first start, kept in the sessions table). */
  readonly signer?: TokenSigner;
  /** Settings in force until `PUT /v1/settings/impersonation`; defaults to the environment. */
  readonly defaults?: ImpersonationSettings;
  /** Users need a place on the allow list besides `IMPERSONATE_USER`; defaults to `WARDEN_REQUIRE_ALLOW_LIST`. */
  readonly requireAllowList?: boolean;
  readonly now?: () => number;
}

/** The `impersonation` function: impersonation settings, sessions, token minting and JWKS. */
export function createImpersonationApp(services: Services, options: ImpersonationAppOptions = {}): Hono<AppEnv> {
  const app = createBaseApp('impersonation', services);
  const keyStore = new SigningKeyStore(services.db);
  const now = options.now ?? Date.now;
  const signer = options.signer ?? new LocalSigner(keyStore, now);
  const defaults = options.defaults ?? settingsFromEnv();
  const deps: ImpersonationDeps = {
    issuer: services.config.issuer,
    users: services.users,
    apiKeys: services.apiKeys,
    settings: new SettingsStore(services.db, services.audit, defaults, now),
    sessions: new SessionStore(services.db, services.audit),
    signer,
    audit: services.audit,
    now,
    requireAllowList: options.requireAllowList ?? requireAllowListFromEnv(),
  };
  app.route('/.well-known/jwks.json', jwksRoutes(signer, keyStore, now));
  // Impersonation tokens are refused here (403): a token cannot mint further tokens.
  app.use('/v1/*', authenticate(services));
  app.route('/v1/settings/impersonation', settingsRoutes(deps.settings, defaults, services.config.defaultIam));
  app.route('/v1/impersonation/sessions', sessionRoutes(deps));
  return app;
}
