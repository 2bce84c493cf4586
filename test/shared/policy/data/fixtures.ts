import type { DataSource } from '#shared/model/catalog.ts';
import type { Subject } from '#shared/model/identity.ts';
import { dataPolicySchema, type StoredPolicy } from '#shared/model/policy.ts';

/** A data policy document as an admin writes it, stored with a creation time. */
export function stored(doc: unknown, createdAt = '2024-01-01T00:00:00Z'): StoredPolicy {
  return { document: dataPolicySchema.parse(doc), version: 1, createdAt, updatedAt: createdAt };
}

/** The IAMs trusted for policy matching in these tests: that of `user()`. */
export const TRUSTED: ReadonlySet<string> = new Set(['okta']);

/** A user of the `okta` IAM with groups and attributes. */
export function user(userid: string, groups: string[] = [], attributes: Record<string, string[]> = {}): Subject {
  return {
    iamid: 'okta',
    userid,
    active: true,
    groups: new Set(groups),
    attributes: new Map(Object.entries(attributes).map(([k, v]) => [k, new Set(v)])),
  };
}

/** The HR table of the seeds: every masking kind has a column to work on. */
export const hr: DataSource = {
  id: 'hr_data',
  name: 'HR data',
  platform: 'postgres',
  database: 'demo',
  schema: 'public',
  table: 'hr_data',
  owners: [],
  tags: [],
  version: 1,
  createdAt: '2024-01-01T00:00:00Z',
  updatedAt: '2024-01-01T00:00:00Z',
  columns: [
    { name: 'id', type: 'integer', tags: [] },
    { name: 'name', type: 'varchar', tags: ['PII.Name'] },
    { name: 'ssn', type: 'varchar', tags: ['PII.SSN'] },
    { name: 'email', type: 'varchar', tags: ['PII.Email'] },
    { name: 'phone', type: 'varchar', tags: ['PII'] },
    { name: 'salary', type: 'integer', tags: ['Financial.Salary'] },
    { name: 'hired', type: 'date', tags: ['Dates'] },
    { name: 'region', type: 'varchar', tags: ['Discovered.Entity.Location'] },
    { name: 'dept', type: 'varchar', tags: ['Department'] },
    { name: 'country', type: 'varchar', tags: ['Discovered.Country'] },
    { name: 'address', type: 'varchar', tags: [] },
  ],
};
