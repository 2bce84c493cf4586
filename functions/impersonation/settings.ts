import { Hono } from 'hono';
import { auditIdentity } from '#shared/auth/caller.ts';
import { requirePermission } from '#shared/http/auth.ts';
import { readBody } from '#shared/http/body.ts';
import type { AppEnv } from '#shared/http/context.ts';
import { normalize, settingsBodySchema } from '#shared/impersonation/settings.ts';
import type { Principal } from '#shared/model/identity.ts';
import type { ImpersonationSettings, StoredSettings } from '#shared/model/impersonation.ts';
import type { Services } from '#shared/services.ts';

const wire = (p: Principal) => (p.type === 'user' ? { type: p.type, id: p.id, iamid: p.iamid } : { type: p.type, id: p.id });

function view(s: StoredSettings) {
  return {
    allowedImpersonators: s.allowedImpersonators.map(wire),
    singleImpersonationPerSession: s.singleImpersonationPerSession,
    userMappingIamid: s.userMappingIamid,
    tokenTtlSeconds: s.tokenTtlSeconds,
    version: s.version,
  };
}

/** `GET|PUT /v1/settings/impersonation` (USER_ADMIN); omitted fields take the deployment defaults. */
export function settingsRoutes(services: Pick<Services, 'impersonationSettings' | 'config'>): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const store = services.impersonationSettings;
  const { impersonationDefaults: defaults, defaultIam } = services.config;

  app.get('/', async (c) => {
    requirePermission(c, 'USER_ADMIN');
    return c.json(view(await store.get()));
  });

  app.put('/', async (c) => {
    const caller = requirePermission(c, 'USER_ADMIN');
    const body = await readBody(c, settingsBodySchema);
    const current = await store.get();
    const next: ImpersonationSettings = {
      allowedImpersonators: body.allowedImpersonators?.map((e) => normalize(e, defaultIam)) ?? defaults.allowedImpersonators,
      singleImpersonationPerSession: body.singleImpersonationPerSession ?? defaults.singleImpersonationPerSession,
      userMappingIamid: body.userMappingIamid ?? defaults.userMappingIamid,
      tokenTtlSeconds: body.tokenTtlSeconds ?? defaults.tokenTtlSeconds,
    };
    const saved = await store.put(next, current.version, {
      ...auditIdentity(caller),
      action: 'UPDATE',
      actionStatus: 'SUCCESS',
      targetType: 'impersonationSettings',
      targets: ['impersonation'],
      payload: { before: view(current), after: { ...next, allowedImpersonators: next.allowedImpersonators.map(wire) } },
      requestId: c.get('requestId'),
    });
    return c.json(view(saved));
  });

  return app;
}
