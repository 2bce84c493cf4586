import { handle } from 'hono/aws-lambda';
import { servicesFromEnv } from '#shared/aws/services.ts';
import { kmsSigner } from '#shared/impersonation/kms-client.ts';
import { createImpersonationApp } from './app.ts';

export const handler = handle(createImpersonationApp(servicesFromEnv((config) => ({ signer: kmsSigner(config.signingKeyArn) }))));
