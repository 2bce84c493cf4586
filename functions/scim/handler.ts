import { handle } from 'hono/aws-lambda';
import { servicesFromEnv } from '#shared/aws/services.ts';
import { createScimApp } from './app.ts';

export const handler = handle(createScimApp(servicesFromEnv()));
