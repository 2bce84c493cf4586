import { Hono } from 'hono';
import * as z from 'zod';
import { readBody } from '#shared/http/body.ts';
import type { AppEnv } from '#shared/http/context.ts';
import { requirePermission } from '#shared/http/auth.ts';
import { badRequest } from '#shared/http/errors.ts';
import { idSchema, userRefSchema } from '#shared/model/identity.ts';
import { policyKeySchema, type PolicyDocument } from '#shared/model/policy.ts';
import { parsePolicyDocument, PolicyValidationError } from '#shared/policy/index.ts';
import type { Services } from '#shared/services.ts';
import { runSimulation, type SimulationDeps } from '#shared/decision-service/index.ts';
import { checkAgainstCatalog } from './policies.ts';

const simulationSchema = z.strictObject({
  upsert: z.array(z.unknown()).max(1000).default([]),
  remove: z.array(policyKeySchema).max(1000).default([]),
  users: z.array(userRefSchema).min(1).max(10_000).optional(),
  dataSources: z.array(idSchema).min(1).max(100_000).optional(),
});

/** `POST /v1/simulations` (GOVERNANCE): the differences a policy change would make; writes nothing. */
export function simulationRoutes(services: SimulationDeps & Pick<Services, 'catalog'>): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/', async (c) => {
    requirePermission(c, 'GOVERNANCE');
    const body = await readBody(c, simulationSchema);
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
    for (const doc of upsert) await checkAgainstCatalog(services, doc);
    const users = body.users?.map((u) => ({ iamid: u.iamid ?? services.config.defaultIam, userid: u.userid }));
    return c.json(
      await runSimulation(services, {
        upsert,
        remove: body.remove,
        ...(users ? { users } : {}),
        ...(body.dataSources ? { dataSources: body.dataSources } : {}),
      }),
    );
  });
  return app;
}
