import type { Hono } from 'hono';
import { authenticate } from '#shared/http/auth.ts';
import { createBaseApp } from '#shared/http/app.ts';
import type { AppEnv } from '#shared/http/context.ts';
import type { DecidingServices } from '#shared/services.ts';
import type { DecisionService } from '#shared/decision-service/index.ts';
import { accessRequestRoutes } from './access-requests.ts';
import { auditRoutes } from './audit.ts';
import { dataSourceRoutes } from './data-sources.ts';
import { disabledPolicyRoutes } from './disabled-policies.ts';
import { decisionRoutes } from './decisions.ts';
import { domainRoutes } from './domains.ts';
import { policyRoutes } from './policies.ts';
import { simulationRoutes } from './simulations.ts';
import { tagRoutes } from './tags.ts';
import { IntegrationCredentials } from './trino/credential.ts';
import { integrationRoutes } from './trino/integrations.ts';
import { opaRoutes } from './trino/opa.ts';

const isDecisionPath = (path: string): boolean => path === '/v1/decisions' || path.startsWith('/v1/decisions/');
// Trino's plugin sends no Authorization header: its routes check the integration's credential themselves.
const isOpaPath = (path: string): boolean => path.startsWith('/v1/opa/');

/** The `policy` function: catalog, policies, decisions, simulations, access requests, audit, Trino integrations. */
export function createPolicyApp(services: DecidingServices, decisions: DecisionService = services.decisions): Hono<AppEnv> {
  const app = createBaseApp('policy', services);
  const keysOnly = authenticate(services);
  // Impersonation tokens act as their user on decisions only.
  const keysOrTokens = authenticate(services, { acceptImpersonation: true });
  app.use('/v1/*', (c, next) => (isOpaPath(c.req.path) ? next() : isDecisionPath(c.req.path) ? keysOrTokens(c, next) : keysOnly(c, next)));
  const credentials = new IntegrationCredentials(services.integrations);
  const groups = [
    dataSourceRoutes(services, decisions),
    disabledPolicyRoutes(services),
    domainRoutes(services),
    tagRoutes(services),
    policyRoutes({ ...services, decisions }),
    decisionRoutes(decisions),
    simulationRoutes({ ...services, decisions }),
    accessRequestRoutes(services, decisions),
    auditRoutes(services),
    integrationRoutes(services, credentials),
    opaRoutes({ ...services, decisions }, credentials),
  ];
  for (const group of groups) app.route(group.base, group);
  return app;
}
