import type { DataSource } from '#shared/model/catalog.ts';
import type { StoredPolicy } from '#shared/model/policy.ts';
import { hr, stored, user } from './fixtures.ts';

/** The rows of `hr_data` on every engine. */
export const CREATE = `CREATE TABLE hr_data (id integer, name varchar, ssn varchar, email varchar, phone varchar, salary integer, hired date, region varchar, dept varchar, country varchar, address varchar)`;
export const INSERT = `INSERT INTO hr_data VALUES
  (1, 'Ann', '123-45-6789', 'ann@x.com', '555-0101', 52345, DATE '2024-05-17', 'Ohio', 'Sales', 'US', '1 Main St'),
  (2, 'Bob', '987-65-4321', 'bob@x.com', '555-0102', 61000, DATE '2023-11-02', 'Michigan', 'HR', 'FR', '2 Rue'),
  (3, 'Cy', NULL, 'cy@x.com', '555-0103', 48999, DATE '2022-01-31', 'Ohio', 'HR', 'US', '3 Elm'),
  (4, 'O''Neil', '111-22-3333', 'on@x.com', '555-0104', 70000, DATE '2021-07-04', 'Texas', 'Sales', 'US', '4 Oak')`;

/** `hr` where the engine keeps it. */
export function at(database: string, schema: string): DataSource {
  return { ...hr, database, schema };
}

const p = (key: string, createdAt: string, rules: unknown[]) => stored({ policyKey: key, type: 'data', rules }, createdAt);

/** Policies using the masks every engine computes alike; `hashes` adds hash and regex. */
export function enginePolicies(hashes: boolean): StoredPolicy[] {
  const common = [
    p('ssn-last4', '2024-01-02T00:00:00Z', [{ type: 'masking', fields: [{ type: 'columnTags', tag: 'PII.SSN' }], masking: { type: 'showLast', count: 4 }, exceptions: { groups: ['HR'] } }]),
    p('salary', '2024-01-04T00:00:00Z', [{ type: 'masking', fields: [{ type: 'columnTags', tag: 'Financial' }], masking: { type: 'rounding', bucketSize: 10000 } }]),
    p('hired', '2024-01-05T00:00:00Z', [{ type: 'masking', fields: [{ type: 'columnTags', tag: 'Dates' }], masking: { type: 'rounding', bucketSize: 2592000 } }]),
    p('fr-country', '2024-01-06T00:00:00Z', [{ type: 'masking', fields: [{ type: 'columnNames', names: ['country'] }], masking: { type: 'null' }, when: "@columnTagged('Discovered.Country') = 'FR'" }]),
    p('address', '2024-01-07T00:00:00Z', [{ type: 'masking', fields: [{ type: 'columnNames', names: ['address'] }], masking: { type: 'custom', sql: "CASE WHEN has_group('Owners') THEN @column ELSE '***' END" } }]),
    p('dept', '2024-01-08T00:00:00Z', [{ type: 'masking', fields: [{ type: 'columnTags', tag: 'Department' }], masking: { type: 'constant', value: 'REDACTED' }, exceptions: { groups: ['Managers'] } }]),
    p('rows', '2024-01-09T00:00:00Z', [
      { type: 'rowFilterByEntitlement', matches: [{ type: 'attribute', attribute: 'Work Location', columnTag: 'Discovered.Entity.Location' }] },
      { type: 'rowFilterByPredicate', predicate: "@groupsContains(dept) OR has_group('Executives') OR name = @username OR get_attribute('Home') = country", exceptions: { groups: ['Auditors'] } },
    ]),
  ];
  if (!hashes) return common;
  return [
    p('mask-pii', '2024-01-01T00:00:00Z', [{ type: 'masking', fields: [{ type: 'columnTags', tag: 'PII' }], masking: { type: 'hash' }, exceptions: { attributes: [{ name: 'Clearance', value: 'PII' }] } }]),
    p('emails', '2024-01-03T00:00:00Z', [{ type: 'masking', fields: [{ type: 'columnTags', tag: 'PII.Email' }], masking: { type: 'regex', pattern: '^[^@]+', replacement: '***' } }]),
    p('ids', '2024-01-10T00:00:00Z', [{ type: 'masking', fields: [{ type: 'columnNames', names: ['id'] }], masking: { type: 'hash', salt: 's1' }, inclusions: { groups: ['Contractors'] } }]),
    ...common,
  ];
}

export const USERS = {
  ann: user('ann', ['Sales'], { 'Work Location': ['Ohio'], Clearance: ['PII'] }),
  // Seed 001: an impersonated user without the attribute sees the hash.
  smwilliams: user('smwilliams', ['HR'], { 'Work Location': ['Ohio', 'Michigan'] }),
  exec: user('exec', ['Executives', 'Owners', 'Managers', 'Auditors'], { 'Work Location': ['Ohio', 'Texas', "O'Hare\\"] }),
  con: user('con', ['Contractors', 'Sales'], { 'Work Location': ['Ohio'] }),
  guest: user("o'neil", [], { 'Work Location': ['Texas', 'Ohio'], Home: ['US'] }),
  nobody: user('nobody'),
};
