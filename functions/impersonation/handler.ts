import { handle } from 'hono/aws-lambda';
import { servicesFromEnv } from '#shared/aws/services.ts';
import { createImpersonationApp } from './app.ts';

export const handler = handle(createImpersonationApp(servicesFromEnv()));
