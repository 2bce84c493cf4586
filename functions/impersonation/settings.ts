import { auditIdentity } from '#shared/auth/caller.ts';
import { RouteGroup } from '#shared/http/route-group.ts';
import { getImpersonationSettings, putImpersonationSettings } from '#shared/http/routes/impersonation.ts';
import { normalize } from '#shared/impersonation/settings.ts';
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
export function settingsRoutes(services: Pick<Services, 'impersonationSettings' | 'config'>): RouteGroup {
  const app = new RouteGroup('/v1/settings/impersonation');
  const store = services.impersonationSettings;
  const { impersonationDefaults: defaults, defaultIam } = services.config;

  app.serve(getImpersonationSettings, async (c) => c.json(view(await store.get()), 200));

  app.serve(putImpersonationSettings, async (c, { body }) => {
    const current = await store.get();
    const next: ImpersonationSettings = {
      allowedImpersonators: body.allowedImpersonators?.map((e) => normalize(e, defaultIam)) ?? defaults.allowedImpersonators,
      singleImpersonationPerSession: body.singleImpersonationPerSession ?? defaults.singleImpersonationPerSession,
      userMappingIamid: body.userMappingIamid ?? defaults.userMappingIamid,
      tokenTtlSeconds: body.tokenTtlSeconds ?? defaults.tokenTtlSeconds,
    };
    const saved = await store.put(next, current.version, {
      ...auditIdentity(c.get('caller')),
      action: 'UPDATE',
      actionStatus: 'SUCCESS',
      targetType: 'impersonationSettings',
      targets: ['impersonation'],
      payload: { before: view(current), after: { ...next, allowedImpersonators: next.allowedImpersonators.map(wire) } },
      requestId: c.get('requestId'),
    });
    return c.json(view(saved), 200);
  });

  return app;
}
