import type { Hono } from 'hono';
import { createBaseApp } from '#shared/http/app.ts';
import type { AppEnv } from '#shared/http/context.ts';
import type { Services } from '#shared/services.ts';

/** The `scim` function: SCIM 2.0 service provider at `/scim/v2`. */
export function createScimApp(services: Services): Hono<AppEnv> {
  return createBaseApp('scim', services);
}
