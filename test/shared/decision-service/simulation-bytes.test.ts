import { describe, expect, it } from 'vitest';
import { MAX_CHANGE_BYTES, withinBytes } from '#shared/decision-service/simulation.ts';
import type { SimulationChange, SimulationResult } from '#shared/policy/index.ts';

const change = (i: number, columns: number): SimulationChange => ({
  user: { iamid: 'okta', userid: `user-${i}` },
  dataSource: 'wide_table',
  before: { access: 'granted', discoverable: true, maskedColumns: [], rowFilter: null },
  after: { access: 'granted', discoverable: true, maskedColumns: Array.from({ length: columns }, (_, c) => `a_rather_long_column_name_${c}`), rowFilter: null },
});

const result = (changes: SimulationChange[], omitted = 0): SimulationResult => ({
  changes,
  changesOmitted: omitted,
  summary: { gained: 0, lost: 0, masksChanged: changes.length + omitted, rowFiltersChanged: 0, usersEvaluated: changes.length + omitted, dataSourcesEvaluated: 1 },
});

describe('the byte cap of a simulation answer', () => {
  it('keeps every change that fits, untouched', () => {
    const small = result([change(0, 2), change(1, 2)], 5);
    expect(withinBytes(small)).toBe(small);
  });

  it('cuts wide changes at the cap and counts the rest as omitted, the summary unchanged', () => {
    // 10,000 changes masking 100 long columns each: about 35 MB of JSON, far past Lambda's 6 MB.
    const wide = result(Array.from({ length: 10_000 }, (_, i) => change(i, 100)), 7);
    const capped = withinBytes(wide);
    expect(Buffer.byteLength(JSON.stringify(capped.changes))).toBeLessThanOrEqual(MAX_CHANGE_BYTES);
    expect(capped.changes.length).toBeGreaterThan(1000);
    expect(capped.changes).toEqual(wide.changes.slice(0, capped.changes.length));
    expect(capped.changesOmitted).toBe(7 + 10_000 - capped.changes.length);
    expect(capped.summary).toEqual(wide.summary);
  });

  it('fits the JSON array to the byte exactly', () => {
    const three = [change(0, 3), change(1, 3), change(2, 3)];
    const exact = Buffer.byteLength(JSON.stringify(three.slice(0, 2)));
    expect(withinBytes(result(three), exact).changes).toHaveLength(2);
    expect(withinBytes(result(three), exact - 1).changes).toHaveLength(1);
  });
});
