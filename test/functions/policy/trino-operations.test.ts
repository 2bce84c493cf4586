import { describe, expect, it } from 'vitest';
import { firstSighting, operationRule } from '#functions/policy/trino/operations.ts';

describe('the operations of the plugin', () => {
  it('knows the operations of OpaAccessControl and the data-filtering ones, each with one rule', () => {
    for (const op of ['ExecuteQuery', 'ImpersonateUser', 'AccessCatalog', 'FilterCatalogs', 'ShowSchemas', 'FilterSchemas', 'ShowTables', 'FilterTables', 'ShowColumns', 'FilterColumns', 'SelectFromColumns', 'GetRowFilters', 'GetColumnMask']) {
      expect(operationRule(op), op).toBeDefined();
    }
    expect(operationRule('selectfromcolumns')).toBeUndefined();
  });

  it('reports an unknown name the first time only, and stops remembering names past its bound', () => {
    expect(firstSighting('UnknownOp-a')).toBe(true);
    expect(firstSighting('UnknownOp-a')).toBe(false);
    let fresh = 0;
    for (let i = 0; i < 1000; i++) if (firstSighting(`flood-${i}`)) fresh++;
    expect(fresh).toBeLessThan(300);
  });
});
