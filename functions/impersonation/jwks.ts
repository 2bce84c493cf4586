import { RouteGroup } from '#shared/http/route-group.ts';
import { getJwks } from '#shared/http/routes/impersonation.ts';
import type { Services } from '#shared/services.ts';

/** `GET /.well-known/jwks.json`: the public keys of every token that may still be live (no auth). */
export function jwksRoutes(services: Pick<Services, 'signer' | 'signingKeys' | 'now'>): RouteGroup {
  const app = new RouteGroup('/.well-known/jwks.json');
  app.serve(getJwks, async (c) => {
    await services.signer.ready();
    const keys = await services.signingKeys.publicKeys(Math.floor(services.now() / 1000));
    // Short cache: a rotated-in key must reach verifiers soon; jose refetches on an unknown kid anyway.
    c.header('cache-control', 'public, max-age=300');
    return c.json({ keys }, 200);
  });
  return app;
}
