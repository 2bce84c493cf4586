import { handle } from 'hono/aws-lambda';
import { servicesFromEnv } from '#shared/aws/services.ts';
import { decisionService } from '#shared/decision-service/index.ts';
import { createPolicyApp } from './app.ts';

export const handler = handle(createPolicyApp(servicesFromEnv(() => ({ decisions: decisionService }))));
