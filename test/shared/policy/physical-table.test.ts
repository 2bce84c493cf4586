import { describe, expect, it } from 'vitest';
import { compileSnapshot } from '#shared/policy/index.ts';
import { source, TRUSTED } from './fixtures.ts';

const at = (platform: 'postgres' | 'trino', database: string, schema: string, table: string, id: string) => ({ ...source(id), platform, database, schema, table });

describe('the physical-table index of a snapshot', () => {
  const snapshot = compileSnapshot({
    sources: [
      at('postgres', 'warehouse', 'hr', 'employees', 'hr_data'),
      at('trino', 'hive', 'HR', 'Employees', 'hr_trino'),
      at('postgres', 'warehouse', 'hr', 'employees', 'hr_copy'),
      at('postgres', 'warehouse', 'sales', 'orders', 'sales'),
    ],
    domains: [],
    policies: [],
    trustedIams: TRUSTED,
  });

  it('finds the sources of a table by platform, database, schema and table', () => {
    expect(snapshot.sourcesAt({ platform: 'postgres', database: 'warehouse', schema: 'sales', table: 'orders' })).toEqual(['sales']);
    expect(snapshot.sourcesAt({ platform: 'postgres', database: 'warehouse', schema: 'hr', table: 'employees' })).toEqual(['hr_data', 'hr_copy']);
  });

  it('matches names whatever their case, as Trino lowercases and PostgreSQL folds them', () => {
    expect(snapshot.sourcesAt({ platform: 'trino', database: 'hive', schema: 'hr', table: 'employees' })).toEqual(['hr_trino']);
    expect(snapshot.sourcesAt({ platform: 'postgres', database: 'WAREHOUSE', schema: 'Sales', table: 'ORDERS' })).toEqual(['sales']);
  });

  it('tells platforms and parts apart, and knows nothing of an unregistered table', () => {
    expect(snapshot.sourcesAt({ platform: 'trino', database: 'warehouse', schema: 'sales', table: 'orders' })).toEqual([]);
    expect(snapshot.sourcesAt({ platform: 'postgres', database: 'warehouse', schema: 'salesorders', table: '' })).toEqual([]);
    expect(snapshot.sourcesAt({ platform: 'postgres', database: 'warehouse', schema: 'hr', table: 'nobody' })).toEqual([]);
  });
});
