import { Hono } from 'hono';
import type { AppEnv } from '#shared/http/context.ts';
import type { TokenSigner } from '#shared/impersonation/signer.ts';
import type { SigningKeyStore } from '#shared/impersonation/signing-keys.ts';

/** `GET /.well-known/jwks.json`: the public keys of every token that may still be live (no auth). */
export function jwksRoutes(signer: TokenSigner, store: SigningKeyStore, now: () => number): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => {
    await signer.ready();
    const keys = await store.publicKeys(Math.floor(now() / 1000));
    // Short cache: a rotated-in key must reach verifiers soon; jose refetches on an unknown kid anyway.
    c.header('cache-control', 'public, max-age=300');
    return c.json({ keys });
  });
  return app;
}
