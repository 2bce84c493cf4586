import { handle } from 'hono/aws-lambda';
import { servicesFromEnv } from '#shared/aws/services.ts';
import { decisionService } from '#shared/decision-service/index.ts';
import { createUserinfoApp } from './app.ts';

export const handler = handle(createUserinfoApp(servicesFromEnv(() => ({ decisions: decisionService }))));
