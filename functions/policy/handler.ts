import { handle } from 'hono/aws-lambda';
import { servicesFromEnv } from '#shared/aws/services.ts';
import { createPolicyApp } from './app.ts';

export const handler = handle(createPolicyApp(servicesFromEnv()));
