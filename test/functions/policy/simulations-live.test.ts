/*
 * A simulation starts from the function's decision snapshot brought to the store's current
 * version, not from a scan: it must still see every change acknowledged before it, even when
 * the snapshot decisions use would not be refreshed for a minute, and fall back to the scan
 * when only a full rebuild can say (a trust change).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createPolicyApp } from '#functions/policy/app.ts';
import { DecisionService, runSimulation } from '#shared/decision-service/index.ts';
import type { DecidingServices } from '#shared/services.ts';
import type { SimulationResult } from '#shared/policy/index.ts';
import { ADMIN_KEY, bearer, json, localServices } from '../../support/services.ts';

let s: DecidingServices;
let decisions: DecisionService;
let app: ReturnType<typeof createPolicyApp>;
const admin = bearer(ADMIN_KEY);
/** Scans of the catalog table by the services' client. */
let catalogScans = 0;

beforeAll(async () => {
  s = (await localServices(true)).services;
  // Decisions would not look at the version again for a minute.
  decisions = new DecisionService(s, { refreshMs: 60_000, userCacheMs: 50 });
  app = createPolicyApp(s, decisions);
  s.db.doc.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'ScanCommand' && (args.input as { TableName?: string }).TableName === s.db.tables.catalog) catalogScans++;
      return next(args);
    },
    { step: 'initialize', name: 'countCatalogScans' },
  );
  await decisions.snapshot();
});

/** The simulation over HTTP, and the catalog scans it made. */
async function overHttp(body: Record<string, unknown>): Promise<{ status: number; result: SimulationResult; scans: number }> {
  const scans = catalogScans;
  const res = await app.request('/v1/simulations', json('POST', body, admin));
  return { status: res.status, result: (await res.json()) as SimulationResult, scans: catalogScans - scans };
}

/** The same simulation from a scan and a full compile of the live tables (no decision snapshot). */
const fromScan = (remove: string[], upsert: Parameters<typeof runSimulation>[1]['upsert'] = []) => runSimulation({ ...s, decisions: undefined }, { upsert, remove });

const grantHr = { policyKey: 'hr-anyone', type: 'subscription', circumstances: [{ type: 'dataSources', ids: ['hr_data'] }], actions: { type: 'anyone', merge: 'shareResponsibility' } } as const;

describe('simulation from the decision snapshot', () => {
  it('sees a policy written just before it, without scanning the catalog, and answers as a scan would', async () => {
    const before = await overHttp({ remove: ['legal-team'] });
    expect(before.status).toBe(200);
    expect(before.scans).toBe(0);
    expect(before.result).toEqual(await fromScan(['legal-team']));

    expect((await app.request('/v1/policies/hr-anyone', json('PUT', grantHr, admin))).status).toBe(201);
    // Removing the policy just written takes away what it grants: it is in the state simulated.
    const removal = await overHttp({ remove: ['hr-anyone'] });
    expect(removal.status).toBe(200);
    expect(removal.scans).toBe(0);
    expect(removal.result.summary.lost).toBeGreaterThan(0);
    expect(removal.result).toEqual(await fromScan(['hr-anyone']));
  });

  it('sees a deleted policy gone and a retagged source retagged', async () => {
    expect((await app.request('/v1/policies/hr-anyone', { method: 'DELETE', headers: admin })).status).toBe(204);
    expect((await overHttp({ remove: ['hr-anyone'] })).status).toBe(404);

    const res = await app.request('/v1/data-sources/sales', { headers: admin });
    const { id: _i, version: _v, createdAt: _c, updatedAt: _u, ...sales } = (await res.json()) as Record<string, unknown> & { tags: string[] };
    expect((await app.request('/v1/data-sources/sales', json('PUT', { ...sales, tags: [...sales.tags, 'Strictly Confidential'] }, admin))).status).toBe(200);
    const retagged = await overHttp({ remove: ['legal-team'] });
    expect(retagged.scans).toBe(0);
    expect(retagged.result.changes.some((c) => c.dataSource === 'sales')).toBe(true);
    expect(retagged.result).toEqual(await fromScan(['legal-team']));
  });

  it('falls back to scanning the live tables while a trust change is rebuilt in full, and stays exact', async () => {
    const okta = (await s.iams.get('okta'))!;
    await s.iams.update(okta, {}, undefined, false);
    const untrusted = await overHttp({ remove: ['legal-team'] });
    expect(untrusted.status).toBe(200);
    expect(untrusted.scans).toBeGreaterThan(0);
    expect(untrusted.result).toEqual(await fromScan(['legal-team']));
    await s.iams.update((await s.iams.get('okta'))!, {}, undefined, true);
  });
});
