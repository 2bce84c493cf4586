import type { Context } from 'hono';
import { requireSelfOr } from '#shared/auth/permission.ts';
import { changeAudit } from '#shared/http/audit.ts';
import type { AppEnv } from '#shared/http/context.ts';
import { notFound } from '#shared/http/errors.ts';
import { checkIfMatch, etag } from '#shared/http/etag.ts';
import { RouteGroup } from '#shared/http/route-group.ts';
import { disablePolicy, enablePolicy } from '#shared/http/routes/disabled-policies.ts';
import type { DataSource } from '#shared/model/catalog.ts';
import type { Services } from '#shared/services.ts';

/**
 * The source of the path, once the caller is known to be one of its owners or to hold
 * `GOVERNANCE` (who may is a rule on stored data, so no route guard can say it).
 */
async function ownedSource(c: Context<AppEnv>, services: Pick<Services, 'catalog'>, id: string): Promise<DataSource> {
  const source = await services.catalog.getSource(id);
  if (!source) throw notFound(`data source \`${id}\` not found`);
  const caller = c.get('caller');
  const p = caller.principal;
  const owner = p.type === 'user' ? source.owners.find((o) => o.iamid === p.iamid && o.userid === p.id) : undefined;
  requireSelfOr(caller, owner, ['GOVERNANCE'], `changing the policies disabled on data source \`${id}\` requires permission \`GOVERNANCE\`, or to own the source`);
  checkIfMatch(c, source.version);
  return source;
}

/** `PUT|DELETE /v1/data-sources/{id}/disabled-policies/{policyKey}`. */
export function disabledPolicyRoutes(services: Pick<Services, 'catalog' | 'policies'>): RouteGroup {
  const app = new RouteGroup('/v1/data-sources');

  app.serve(disablePolicy, async (c, { params: { id, policyKey } }) => {
    const source = await ownedSource(c, services, id);
    if (!(await services.policies.get(policyKey))) throw notFound(`policy \`${policyKey}\` not found`);
    const keys = new Set([...(source.disabledPolicies ?? []), policyKey]);
    const audit = changeAudit(c, { action: 'UPDATE', targetType: 'dataSource', targets: [id], payload: { version: source.version + 1, disabledPolicy: policyKey } });
    const saved = await services.catalog.putDisabledPolicies(source, [...keys], audit);
    c.header('ETag', etag(saved.version));
    return c.json(saved, 200);
  });

  app.serve(enablePolicy, async (c, { params: { id, policyKey } }) => {
    const source = await ownedSource(c, services, id);
    const current = source.disabledPolicies ?? [];
    if (!current.includes(policyKey)) throw notFound(`policy \`${policyKey}\` is not disabled on data source \`${id}\``);
    const audit = changeAudit(c, { action: 'UPDATE', targetType: 'dataSource', targets: [id], payload: { version: source.version + 1, enabledPolicy: policyKey } });
    const saved = await services.catalog.putDisabledPolicies(source, current.filter((k) => k !== policyKey), audit);
    c.header('ETag', etag(saved.version));
    return c.json(saved, 200);
  });

  return app;
}
