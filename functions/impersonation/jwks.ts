import { Hono } from 'hono';
import type { AppEnv } from '#shared/http/context.ts';
import type { Services } from '#shared/services.ts';

/** `GET /.well-known/jwks.json`: the public keys of every token that may still be live (no auth). */
export function jwksRoutes(services: Pick<Services, 'signer' | 'signingKeys' | 'now'>): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => {
    await services.signer.ready();
    const keys = await services.signingKeys.publicKeys(Math.floor(services.now() / 1000));
    // Short cache: a rotated-in key must reach verifiers soon; jose refetches on an unknown kid anyway.
    c.header('cache-control', 'public, max-age=300');
    return c.json({ keys });
  });
  return app;
}
