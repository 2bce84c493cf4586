import { beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '#shared/auth/caller.ts';
import { impersonate } from '#shared/impersonation/impersonate.ts';
import { settingsFromEnv } from '#shared/impersonation/settings.ts';
import { createImpersonationVerifier } from '#shared/impersonation/verifier.ts';
import type { MetricName, Metrics } from '#shared/log/metrics.ts';
import type { DecidingServices } from '#shared/services.ts';
import { impersonationServices, ISSUER, user } from '../../functions/impersonation/support.ts';

/** Metrics that count what was recorded, by name. */
function recorder(): { metrics: Metrics; counts: Partial<Record<MetricName, number>> } {
  const counts: Partial<Record<MetricName, number>> = {};
  const add = (name: MetricName, value: number) => void (counts[name] = (counts[name] ?? 0) + value);
  return { counts, metrics: { count: (name, value = 1) => add(name, value), latency: (name) => add(name, 1), flush: () => {} } };
}

const defaults = { allowedImpersonators: [{ type: 'service', id: 'bi-tool' }] } as const;
let s: DecidingServices;
let caller: Caller;

beforeAll(async () => {
  ({ services: s } = await impersonationServices(0, { defaults }));
  await user(s, 'bim', 'jdoe');
  const key = await s.apiKeys.create({ hash: 'h-bi-tool', name: 'bi', principal: { type: 'service', id: 'bi-tool' }, permissions: [], createdBy: 'test' });
  caller = { principal: { type: 'service', id: 'bi-tool' }, permissions: new Set(), via: 'api-key', keyId: key.keyId };
});

describe('token metrics', () => {
  it('count tokens minted, verified and refused', async () => {
    const r = recorder();
    const minted = await impersonate({ ...s, metrics: r.metrics }, caller, 'm-1', { userid: 'jdoe' });
    expect(r.counts.TokensMinted).toBe(1);
    const verifier = createImpersonationVerifier({ ...s, metrics: r.metrics }, { issuer: ISSUER, defaults: { ...settingsFromEnv({}), ...defaults }, requireAllowList: false, cacheMs: 0 });
    await verifier.verify(minted.token);
    await expect(verifier.verify(`${minted.token.slice(0, -4)}AAAA`)).rejects.toThrow('invalid impersonation token');
    expect(r.counts).toMatchObject({ TokensMinted: 1, TokensVerified: 1, TokensRefused: 1 });
  });
});
