import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Caller } from '#shared/auth/caller.ts';
import { BATCH_RECORD_BYTES, decisionRecords } from '#shared/decision-service/decision-audit.ts';
import type { Decision } from '#shared/model/decision.ts';

const engine: Caller = { principal: { type: 'service', id: 'engine' }, permissions: new Set(['QUERY_ENGINE']), via: 'api-key' };

/** A denied decision about `okta/ann` resting on `policies` verdicts. */
const decision = (dataSource: string, policies: string[]): Decision => ({
  user: { iamid: 'okta', userid: 'ann' },
  impersonatedBy: null,
  dataSource,
  access: 'denied',
  discoverable: false,
  subscription: policies.map((policyKey) => ({ policyKey, merge: 'alwaysRequired', satisfied: false, explanation: 'no' })),
  columns: [],
  rowFilter: { expression: null, policyKeys: [] },
});

describe('the audit records of decisions asked together', () => {
  it('keeps a lone decision its own record', () => {
    const [record, ...rest] = decisionRecords({ caller: engine, requestId: 'r' }, [decision('sales', ['p'])], 'postgres');
    expect(rest).toEqual([]);
    expect(record).toMatchObject({ targetType: 'dataSource', targets: ['sales'], requestId: 'r', payload: { access: 'denied', unsatisfied: ['p'] } });
  });

  it('names each policy once, by whether it held, and masked columns only when a column is masked', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 8 }), fc.array(fc.boolean(), { maxLength: 8 }), (held, masked) => {
        const d: Decision = {
          ...decision('sales', []),
          subscription: held.map((satisfied, i) => ({ policyKey: `p${i}`, merge: 'alwaysRequired', satisfied, explanation: 'why' })),
          columns: masked.map((m, i) => ({ name: `c${i}`, action: m ? 'mask' : 'clear', expression: `c${i}` })),
        };
        const payload = decisionRecords({ caller: engine }, [d], 'postgres')[0]!.payload;
        const keys = (want: boolean) => held.flatMap((h, i) => (h === want ? [`p${i}`] : []));
        const maskedNames = masked.flatMap((m, i) => (m ? [`c${i}`] : []));
        expect(payload.satisfied).toEqual(keys(true).length ? keys(true) : undefined);
        expect(payload.unsatisfied).toEqual(keys(false).length ? keys(false) : undefined);
        expect(payload.maskedColumns).toEqual(maskedNames.length ? maskedNames : undefined);
        expect(JSON.stringify(payload)).not.toContain('explanation');
      }),
      { numRuns: 100 },
    );
  });

  it('keeps the record of a hundred ordinary decisions small: about a hundred bytes a decision', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => decision(`source_${i}`, ['country-access', 'employees-only', 'legal-team']));
    const records = decisionRecords({ caller: engine }, hundred, 'postgres');
    expect(records).toHaveLength(1);
    expect(Buffer.byteLength(JSON.stringify(records[0]))).toBeLessThan(12 * 1024);
  });

  it('holds every decision exactly once, in order, in records that stay within the bound however large the decisions', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 400 }), { minLength: 2, maxLength: 60 }), (policyCounts) => {
        const decisions = policyCounts.map((n, i) => decision(`s${i}`, Array.from({ length: n }, (_, j) => `policy-with-a-long-key-${j}`)));
        const records = decisionRecords({ caller: engine }, decisions, 'trino');
        const held = records.flatMap((r) => (r.payload as { decisions: Array<{ dataSource: string }> }).decisions.map((d) => d.dataSource));
        expect(held).toEqual(decisions.map((d) => d.dataSource));
        for (const r of records) {
          const entries = (r.payload as { decisions: unknown[] }).decisions;
          expect(r.targets).toEqual(entries.map((e) => (e as { dataSource: string }).dataSource));
          // One entry alone may pass the bound (it is never split); two together never do.
          if (entries.length > 1) expect(Buffer.byteLength(JSON.stringify(entries))).toBeLessThanOrEqual(BATCH_RECORD_BYTES + entries.length + 1);
        }
      }),
      { numRuns: 40 },
    );
  });
});
