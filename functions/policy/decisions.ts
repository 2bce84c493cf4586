import { Hono } from 'hono';
import * as z from 'zod';
import { readBody } from '#shared/http/body.ts';
import type { AppEnv } from '#shared/http/context.ts';
import { DIALECTS } from '#shared/model/decision.ts';
import { idSchema, userRefSchema } from '#shared/model/identity.ts';
import type { Services } from '#shared/services.ts';
import type { DecisionService } from '#shared/decision-service/index.ts';
import { decisionSubject } from './subject.ts';

const MAX_BATCH = 1000;

const decisionSchema = z.strictObject({
  user: userRefSchema.optional(),
  dataSource: idSchema,
  dialect: z.enum(DIALECTS).default('postgres'),
});

const batchSchema = z.strictObject({
  user: userRefSchema.optional(),
  dataSources: z.array(idSchema).min(1).max(MAX_BATCH),
  dialect: z.enum(DIALECTS).default('postgres'),
});

/** `POST /v1/decisions`, `POST /v1/decisions/batch`: explained, audited access decisions. */
export function decisionRoutes(services: Pick<Services, 'config'>, decisions: DecisionService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post('/', async (c) => {
    const body = await readBody(c, decisionSchema);
    const user = decisionSubject(c, body.user, services.config.defaultIam);
    const ctx = { caller: c.get('caller'), requestId: c.get('requestId') };
    return c.json(await decisions.decide(ctx, user, body.dataSource, body.dialect));
  });

  app.post('/batch', async (c) => {
    const body = await readBody(c, batchSchema);
    const user = decisionSubject(c, body.user, services.config.defaultIam);
    const ctx = { caller: c.get('caller'), requestId: c.get('requestId') };
    const ids = [...new Set(body.dataSources)];
    return c.json({ decisions: await decisions.decideMany(ctx, user, ids, body.dialect) });
  });

  return app;
}
