/*
 * `npm run bench:scale` at a tiny size, on the suite's DynamoDB Local: the real benchmark, run
 * as a reader runs it, must print every figure with a sane value (no timing thresholds).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SIZES = [40];
const POLICIES = 4;

/** The benchmark's JSON line, run over `SIZES` with `POLICIES` policies and one second of changes. */
async function runBench(): Promise<Record<string, any>> { // any: JSON under test, asserted field by field
  const env = { ...process.env, DYNAMODB_ENDPOINT: inject('dynamoEndpoint'), SCALE_SIZES: SIZES.join(','), SCALE_POLICIES: String(POLICIES), SCALE_CHURN_SECONDS: '1' };
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bench/scale.ts'], { cwd: ROOT, env, timeout: 110_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, any>; // any: as above
}

const positive = expect.any(Number);

describe('bench:scale', () => {
  it('prints, for every size, the seeding, the cold first decision and its parts, each change, latency under changes with its slowest decisions broken down, and heap', async () => {
    const result = await runBench();
    expect(result).toMatchObject({ bench: 'scale', policies: POLICIES, columnsPerSource: 20, refreshMs: positive, changesPerSec: 10, churnSeconds: 1 });
    expect(result.sourceJsonBytes).toBeGreaterThan(800);
    expect(result.sourceJsonBytes).toBeLessThan(2000);
    expect(result.targets).toEqual({ sources: 100_000, coldFirstDecisionMs: 1000, tagChangeItemsReadPerWarmInstance: 10, maxDecisionMsWhileChanging: 50, tagChangeReflectedWithinMs: result.refreshMs });
    expect(result.sizes.map((s: { sources: number }) => s.sources)).toEqual(SIZES);
    for (const size of result.sizes) {
      expect(size.seeding.ms).toBeGreaterThan(0);
      expect(size.seeding.sourcesPerSec).toBeGreaterThan(0);

      const cold = size.coldFirstDecision;
      for (const part of [cold.readMs, cold.decodeMs, cold.compileMs, cold.auditMs]) expect(part).toBeGreaterThanOrEqual(0);
      expect(cold.readMs).toBeGreaterThan(0);
      expect(cold.readMs + cold.decodeMs + cold.compileMs + cold.auditMs).toBeCloseTo(cold.totalMs, 0);
      expect(cold.clientCpuMs).toBeGreaterThan(0);
      expect(cold.reads.requests).toBeGreaterThan(0);
      expect(cold.reads.items).toBeGreaterThan(0);
      expect(cold.reads.capacityUnits).toBeGreaterThan(0);

      for (const kind of ['tagChange', 'newSource', 'policyChange']) {
        const change = size.changes[kind];
        expect(change.reflectedMs, kind).toBeGreaterThan(0);
        expect(change.reflectingDecisionMs, kind).toBeLessThanOrEqual(change.reflectedMs);
        // At least the version check, and whatever the refresh read.
        expect(change.reads.requests, kind).toBeGreaterThan(0);
        expect(change.reads.items, kind).toBeGreaterThan(0);
      }

      const under = size.whileChanging;
      expect(under.changes).toBe(10);
      expect(under.decisions).toBeGreaterThan(0);
      expect(under.p50Ms).toBeLessThanOrEqual(under.p99Ms);
      expect(under.p99Ms).toBeLessThanOrEqual(under.maxMs);
      // The slowest decision split into the store's part and this process's, which add up to it.
      expect(under.max.totalMs).toBe(under.maxMs);
      expect(under.max.auditWireMs).toBeGreaterThan(0);
      expect(under.max.auditWireMs).toBeLessThanOrEqual(under.max.auditMs + 0.1);
      expect(under.max.storeMs + under.max.inProcessMs).toBeCloseTo(under.max.totalMs, 0);
      expect(under.slowest.decisions).toBeGreaterThanOrEqual(1);
      expect(under.slowest.totalMs).toBeGreaterThanOrEqual(under.maxMs);
      expect(under.auditWrite.p50Ms).toBeGreaterThan(0);
      expect(under.auditWrite.maxMs).toBeLessThanOrEqual(under.maxMs);
      expect(under.pauses.eventLoopDelayMaxMs).toBeGreaterThan(0);
      expect(under.pauses.gcMaxMs).toBeLessThanOrEqual(under.pauses.gcTotalMs);
      expect(size.heapPer1000SourcesMb).toBeGreaterThan(0);
      expect(Object.values(size.meetsTargets).every((met) => typeof met === 'boolean')).toBe(true);
      expect(Object.keys(size.meetsTargets)).toHaveLength(4);
    }
  }, 120_000);
});
