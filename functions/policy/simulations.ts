import { readBody } from '#shared/http/body.ts';
import { badRequest } from '#shared/http/errors.ts';
import { RouteGroup } from '#shared/http/route-group.ts';
import { simulate } from '#shared/http/routes/policy.ts';
import { withDefaultIam } from '#shared/model/decision.ts';
import type { PolicyDocument } from '#shared/model/policy.ts';
import { simulationBodySchema } from '#shared/model/simulation.ts';
import { parsePolicyDocument, PolicyValidationError } from '#shared/policy/index.ts';
import type { Services } from '#shared/services.ts';
import { runSimulation, type SimulationDeps } from '#shared/decision-service/index.ts';
import { checkAgainstCatalog } from './policies.ts';

/** `POST /v1/simulations`: the differences a policy change would make; writes nothing. */
export function simulationRoutes(services: SimulationDeps & Pick<Services, 'catalog'>): RouteGroup {
  const app = new RouteGroup('/v1/simulations');
  app.serve(simulate, async (c) => {
    const body = await readBody(c, simulationBodySchema);
    const upsert: PolicyDocument[] = body.upsert.map((raw, i) => {
      try {
        return parsePolicyDocument(raw);
      } catch (err) {
        // Which document of the proposal is invalid; still a 400 by the error's kind.
        throw new PolicyValidationError(`\`upsert[${i}]\`: ${(err as Error).message}`);
      }
    });
    const keys = upsert.map((d) => d.policyKey);
    const duplicate = keys.find((k, i) => keys.indexOf(k) !== i);
    if (duplicate) throw badRequest(`\`upsert\`: policy \`${duplicate}\` appears twice`);
    const ids = body.upsertDataSources.map((s) => s.id);
    const twice = ids.find((id, i) => ids.indexOf(id) !== i);
    if (twice) throw badRequest(`\`upsertDataSources\`: data source \`${twice}\` appears twice`);
    for (const doc of upsert) await checkAgainstCatalog(services, doc);
    const users = body.users?.map((u) => withDefaultIam(u, services.config.defaultIam));
    return c.json(
      await runSimulation(services, {
        upsert,
        remove: body.remove,
        upsertDataSources: body.upsertDataSources,
        removeDataSources: body.removeDataSources,
        limit: body.limit,
        ...(users ? { users } : {}),
        ...(body.dataSources ? { dataSources: body.dataSources } : {}),
      }),
      200,
    );
  });
  return app;
}
