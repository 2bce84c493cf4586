import { handle } from 'hono/aws-lambda';
import { servicesFromEnv } from '#shared/aws/services.ts';
import { kmsSignerFromEnv } from '#shared/impersonation/kms-client.ts';
import { createImpersonationApp } from './app.ts';

const services = servicesFromEnv();
export const handler = handle(createImpersonationApp(services, { signer: kmsSignerFromEnv(services.db) }));
