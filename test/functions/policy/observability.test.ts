import { beforeAll, describe, expect, it } from 'vitest';
import { createPolicyApp } from '#functions/policy/app.ts';
import { createUserinfoApp } from '#functions/userinfo/app.ts';
import { sha256Hex } from '#shared/auth/secrets.ts';
import type { MetricName, Metrics } from '#shared/log/metrics.ts';
import { decisionService } from '#shared/decision-service/index.ts';
import { createServices, type DecidingServices } from '#shared/services.ts';
import { ADMIN_KEY, bearer, json, localServices } from '../../support/services.ts';

/** Metrics that remember what was recorded and when it was flushed. */
function recorder() {
  const recorded: Array<{ name: MetricName; value: number }> = [];
  let flushes = 0;
  const metrics: Metrics = {
    count: (name, value = 1) => void recorded.push({ name, value }),
    latency: (name, ms) => void recorded.push({ name, value: ms }),
    flush: () => void flushes++,
  };
  return { metrics, recorded, flushes: () => flushes };
}

let seeded: DecidingServices;
beforeAll(async () => {
  ({ services: seeded } = await localServices(true));
});

describe('decision metrics', () => {
  it('count every decision with its latency, flushed with the request', async () => {
    const r = recorder();
    const s = createServices(seeded.db, seeded.config, { bootstrapKeyHash: async () => sha256Hex(ADMIN_KEY), metrics: r.metrics, decisions: decisionService });
    const res = await createPolicyApp(s).request('/v1/decisions', json('POST', { user: { iamid: 'okta', userid: 'jdoe' }, dataSource: 'hr_data' }, bearer(ADMIN_KEY)));
    expect(res.status).toBe(200);
    expect(r.recorded.filter((m) => m.name === 'Decisions')).toEqual([{ name: 'Decisions', value: 1 }]);
    expect(r.recorded.filter((m) => m.name === 'DecisionLatency')).toHaveLength(1);
    expect(r.flushes()).toBe(1);
  });
});

describe('the default IAM', () => {
  it('is a setting: a user named without IAM is looked up in `WARDEN_DEFAULT_IAM`', async () => {
    const s = createServices(seeded.db, { ...seeded.config, defaultIam: 'okta' }, { bootstrapKeyHash: async () => sha256Hex(ADMIN_KEY), decisions: decisionService });
    const res = await createUserinfoApp(s).request('/userinfo?userid=jdoe', { headers: bearer(ADMIN_KEY) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ userid: 'jdoe', iamid: 'okta' });
    const builtIn = await createUserinfoApp(seeded).request('/userinfo?userid=jdoe', { headers: bearer(ADMIN_KEY) });
    expect(builtIn.status).toBe(404);
  });
});
