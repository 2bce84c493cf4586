import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createAuthenticator } from '#shared/auth/authenticate.ts';
import { AuthenticationError } from '#shared/auth/errors.ts';
import { newSecret, sha256Hex } from '#shared/auth/secrets.ts';
import type { Services } from '#shared/services.ts';
import { testServices } from '../../support/services.ts';

let s: Services;
beforeAll(async () => {
  s = await testServices();
});

/** A new key of the service `engine`, and its stored record. */
async function newKey() {
  const key = newSecret('wdn');
  const record = await s.apiKeys.create({ hash: sha256Hex(key), name: 'k', principal: { type: 'service', id: 'engine' }, permissions: ['QUERY_ENGINE'], createdBy: 'test' });
  return { key, record };
}

/** A fresh authenticator over the same tables: another function instance, with its own cache. */
const instance = (cacheMs: number) => createAuthenticator({ apiKeys: s.apiKeys, users: s.users, bootstrapKeyHash: async () => undefined, cacheMs });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('api key authentication', () => {
  it('reads a key once for all the requests that present it together', async () => {
    const { key } = await newKey();
    const auth = instance(1000);
    const send = vi.spyOn(s.db.doc, 'send');
    try {
      const callers = await Promise.all(Array.from({ length: 20 }, () => auth.apiKey(key)));
      expect(callers.every((c) => c.principal.id === 'engine')).toBe(true);
      expect(send.mock.calls.filter(([command]) => command instanceof GetCommand)).toHaveLength(1);
    } finally {
      send.mockRestore();
    }
  });

  it('refuses a key deleted through another instance within its cache time, and keeps no refusal', async () => {
    const { key, record } = await newKey();
    const auth = instance(150);
    await auth.apiKey(key);
    await s.apiKeys.delete(record);
    const deletedAt = performance.now();
    await pause(200);
    await expect(auth.apiKey(key)).rejects.toBeInstanceOf(AuthenticationError);
    expect(performance.now() - deletedAt).toBeLessThan(1000);
    // An unknown key is not remembered as unknown: created now, it works at once.
    const late = newSecret('wdn');
    await expect(auth.apiKey(late)).rejects.toBeInstanceOf(AuthenticationError);
    await s.apiKeys.create({ hash: sha256Hex(late), name: 'late', principal: { type: 'service', id: 'engine' }, permissions: ['QUERY_ENGINE'], createdBy: 'test' });
    expect((await auth.apiKey(late)).principal.id).toBe('engine');
  });
});
