import { describe, expect, it } from 'vitest';
import { KeyOnce } from '#shared/impersonation/signer.ts';

describe('a signing key loaded once', () => {
  it('is loaded by the first of concurrent signs and shared by the others', async () => {
    let loads = 0;
    const key = new KeyOnce(async () => `key-${++loads}`);
    expect(await Promise.all([key.get(), key.get(), key.get()])).toEqual(['key-1', 'key-1', 'key-1']);
    expect(await key.get()).toBe('key-1');
    expect(loads).toBe(1);
  });

  it('is loaded again after a failed load: a cold start that met a KMS outage recovers', async () => {
    let loads = 0;
    const key = new KeyOnce(async () => {
      loads += 1;
      if (loads === 1) throw new Error('kms unavailable');
      return 'key';
    });
    await expect(key.get()).rejects.toThrow('kms unavailable');
    expect(await key.get()).toBe('key');
    expect(loads).toBe(2);
  });

  it('is the rotated key once a rotation sets it', async () => {
    const key = new KeyOnce(async () => 'old');
    expect(await key.get()).toBe('old');
    key.set(Promise.resolve('new'));
    expect(await key.get()).toBe('new');
  });
});
