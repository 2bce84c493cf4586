/**
 * Full decisions (subscription + masks + row filters + SQL) on a 40-column source with 10 data
 * policies: p50/p99 in microseconds over 100k decisions, for users and dialects in rotation.
 */
import { DIALECTS } from '#shared/model/decision.ts';
import type { DataSource } from '#shared/model/catalog.ts';
import type { Subject } from '#shared/model/identity.ts';
import { dataPolicySchema, subscriptionPolicySchema, type StoredPolicy } from '#shared/model/policy.ts';
import { compileSnapshot, decide } from '#shared/policy/index.ts';

const TAGS = ['PII.SSN', 'PII.Email', 'PII.Name', 'PII', 'Financial.Salary', 'Dates.Hired', 'Discovered.Entity.Location', 'Department', 'Discovered.Country', ''];
const TYPES = ['varchar', 'varchar', 'varchar', 'varchar', 'integer', 'date', 'varchar', 'varchar', 'varchar', 'varchar'];
const source: DataSource = {
  id: 'wide',
  name: 'wide',
  platform: 'postgres',
  database: 'db',
  schema: 'sch',
  table: 'wide',
  owners: [],
  tags: [],
  version: 1,
  createdAt: '2024-01-01T00:00:00Z',
  updatedAt: '2024-01-01T00:00:00Z',
  columns: Array.from({ length: 40 }, (_, i) => ({ name: `col_${i}`, type: TYPES[i % 10]!, tags: TAGS[i % 10] ? [TAGS[i % 10]!] : [] })),
};

const docs: unknown[] = [
  { type: 'masking', fields: [{ type: 'columnTags', tag: 'PII' }], masking: { type: 'hash' }, exceptions: { groups: ['HR'], attributes: [{ name: 'Clearance', value: 'PII' }] } },
  { type: 'masking', fields: [{ type: 'columnTags', tag: 'PII.SSN' }], masking: { type: 'showLast', count: 4 }, exceptions: { groups: ['HR'] } },
  { type: 'masking', fields: [{ type: 'columnTags', tag: 'PII.Email' }], masking: { type: 'regex', pattern: '^[^@]+', replacement: '***' } },
  { type: 'masking', fields: [{ type: 'columnTags', tag: 'Financial' }], masking: { type: 'rounding', bucketSize: 1000 }, inclusions: { groups: ['Contractors'] } },
  { type: 'masking', fields: [{ type: 'columnTags', tag: 'Dates' }], masking: { type: 'rounding', bucketSize: 2592000 } },
  { type: 'masking', fields: [{ type: 'columnTags', tag: 'Discovered.Country' }], masking: { type: 'null' }, when: "@columnTagged('Department') = 'Legal'" },
  { type: 'masking', fields: [{ type: 'columnNames', names: ['col_9', 'col_19'] }], masking: { type: 'custom', sql: "CASE WHEN has_group('Owners') THEN @column ELSE '***' END" } },
  { type: 'rowFilterByEntitlement', matches: [{ type: 'attribute', attribute: 'Work Location', columnTag: 'Discovered.Entity.Location' }], exceptions: { groups: ['Executives'] } },
  { type: 'rowFilterByPredicate', predicate: "@groupsContains(col_7) OR @hasAttribute('Clearance', 'PII') OR col_9 = @username" },
  { type: 'masking', fields: [{ type: 'columnTags', tag: 'PII.Name' }], masking: { type: 'constant', value: 'REDACTED' }, exceptions: { groups: ['Managers'] } },
];
const policies: StoredPolicy[] = docs.map((rule, i) => {
  const createdAt = `2024-01-${String(i + 1).padStart(2, '0')}T00:00:00Z`;
  return { document: dataPolicySchema.parse({ policyKey: `p${i}`, type: 'data', rules: [rule] }), version: 1, createdAt, updatedAt: createdAt };
});

const GROUPS = ['HR', 'Sales', 'Contractors', 'Owners', 'Executives', 'Managers', 'Legal', 'Ops'];
const users: Subject[] = Array.from({ length: 64 }, (_, i) => ({
  iamid: 'okta',
  userid: `user${i}@example.com`,
  active: true,
  groups: new Set(GROUPS.filter((_, g) => (i >> g) % 2 === 1 || g === i % 8)),
  attributes: new Map([
    ['Work Location', new Set(['Ohio', 'Michigan', `Site ${i}`].slice(0, 1 + (i % 3)))],
    ['Clearance', new Set(i % 5 === 0 ? ['PII'] : [])],
  ]),
}));

const subscription: StoredPolicy = {
  document: subscriptionPolicySchema.parse({
    policyKey: 'staff',
    type: 'subscription',
    actions: { type: 'entitlements', entitlements: { operator: 'any', groups: GROUPS, advanced: "NOT @isInGroups('Banned')" } },
  }),
  version: 1,
  createdAt: '2023-12-31T00:00:00Z',
  updatedAt: '2023-12-31T00:00:00Z',
};
const snapshot = compileSnapshot({ sources: [source], domains: [], policies: [subscription, ...policies], trustedIams: ['okta'] });
const N = 100_000;
for (let i = 0; i < 10_000; i++) decide(snapshot, users[i % users.length]!, 'wide', DIALECTS[i % 4]!);
const samples = new Float64Array(N);
let bytes = 0;
for (let i = 0; i < N; i++) {
  const t0 = process.hrtime.bigint();
  const r = decide(snapshot, users[i % users.length]!, 'wide', DIALECTS[i % 4]!)!;
  samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
  bytes += r.query?.length ?? 0;
}
samples.sort();
const q = (p: number) => Math.round(samples[Math.min(N - 1, Math.floor(p * N))]! * 100) / 100;
process.stdout.write(
  `${JSON.stringify({
    benchmark: 'full-decisions',
    includes: 'subscription + masks + row filters + SQL',
    columns: source.columns.length,
    dataPolicies: policies.length,
    decisions: N,
    p50_us: q(0.5),
    p99_us: q(0.99),
    mean_query_chars: Math.round(bytes / N),
  })}\n`,
);
