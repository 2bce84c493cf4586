import type { AuditInput } from '#shared/audit/record.ts';
import type { DataSourceInput, DomainInput } from '#shared/model/catalog.ts';
import type { PolicyDocument } from '#shared/model/policy.ts';
import { parsePolicyDocument } from '#shared/policy/index.ts';
import type { Services } from '#shared/services.ts';

/** A column of a demo source, untagged unless tags are given. */
export const col = (name: string, type: string, tags: string[] = []) => ({ name, type, tags });

/** Demo data sources: HR (postgres), sales (trino), patients (snowflake). */
export const DEMO_SOURCES: Readonly<Record<string, DataSourceInput>> = {
  hr_data: {
    name: 'HR Data',
    platform: 'postgres',
    database: 'warden',
    schema: 'hr',
    table: 'employees',
    domain: 'hr',
    owners: [{ iamid: 'okta', userid: 'jdoe' }],
    tags: ['Strictly Confidential'],
    columns: [
      col('id', 'integer'),
      col('first_name', 'varchar'),
      col('last_name', 'varchar'),
      col('email', 'varchar', ['Discovered.Email']),
      col('ssn', 'varchar', ['Discovered.SSN']),
      col('dept', 'varchar'),
      col('salary', 'numeric'),
      col('country', 'varchar', ['Discovered.Country']),
    ],
  },
  sales: {
    name: 'Sales',
    platform: 'trino',
    database: 'hive',
    schema: 'sales',
    table: 'orders',
    domain: 'sales',
    owners: [{ iamid: 'okta', userid: 'smwilliams@example.com' }],
    tags: ['Internal'],
    columns: [col('region', 'varchar'), col('amount', 'numeric'), col('rep', 'varchar')],
  },
  patients: {
    name: 'Patients',
    platform: 'snowflake',
    database: 'CLINIC',
    schema: 'PUBLIC',
    table: 'PATIENTS',
    owners: [],
    tags: ['Strictly Confidential.Confidential'],
    columns: [col('patient_id', 'integer'), col('name', 'varchar'), col('diagnosis', 'varchar', ['PHI']), col('country', 'varchar', ['Discovered.Country'])],
  },
};

/** Demo domains: one by membership, one by tag. */
export const DEMO_DOMAINS: Readonly<Record<string, DomainInput>> = {
  hr: { name: 'Human Resources', tags: [] },
  sales: { name: 'Sales', tags: ['Internal'] },
};

const confidential = [{ type: 'tags', tag: 'Strictly Confidential' }];

/** A row filter on one source's `region` column: the user's `sales_region` values, everything for Executives. */
export const salesRegionFilter = (policyKey: string, name: string, sourceId: string) => ({
  policyKey,
  name,
  type: 'data',
  circumstances: [{ type: 'dataSources', ids: [sourceId] }],
  rules: [{ type: 'rowFilterByPredicate', predicate: "@attributeValuesContains('sales_region', region)", exceptions: { groups: ['Executives'] } }],
});

/** Demo policies (as an admin would write them; validated on seeding like on PUT). */
export const DEMO_POLICIES: readonly unknown[] = [
  {
    policyKey: 'country-access',
    name: 'Country Access',
    type: 'subscription',
    circumstances: confidential,
    actions: {
      type: 'entitlements',
      entitlements: { operator: 'any', attributes: [{ name: 'Country', value: 'US' }, { name: 'Country', value: 'France' }] },
      merge: 'alwaysRequired',
    },
  },
  {
    policyKey: 'employees-only',
    name: 'Employees Only',
    type: 'subscription',
    circumstances: confidential,
    actions: { type: 'entitlements', entitlements: { advanced: "NOT @isInGroups('Contractors')" }, merge: 'alwaysRequired' },
  },
  {
    policyKey: 'legal-team',
    name: 'Legal Team',
    type: 'subscription',
    circumstances: confidential,
    actions: { type: 'entitlements', entitlements: { groups: ['Legal'] }, merge: 'shareResponsibility', allowDiscovery: true },
  },
  {
    policyKey: 'internal-anyone',
    name: 'Internal: Anyone',
    type: 'subscription',
    circumstances: [{ type: 'tags', tag: 'Internal' }],
    actions: { type: 'anyone' },
  },
  {
    policyKey: 'mask-pii',
    name: 'Mask PII',
    type: 'data',
    rules: [{ type: 'masking', fields: [{ type: 'columnTags', tag: 'Discovered.SSN' }], masking: { type: 'hash' }, exceptions: { groups: ['HR'] } }],
  },
  salesRegionFilter('sales-region-filter', 'Sales Region Filter', 'sales'),
];

const seedAudit = (targetType: string, id: string): AuditInput => ({
  actor: { type: 'service', id: 'seed' },
  action: 'CREATE',
  actionStatus: 'SUCCESS',
  targetType,
  targets: [id],
  payload: { seed: true },
});

/** Creates the sources and policies not there yet (policies validated like on PUT); returns how many it created. */
export async function seedSourcesAndPolicies(
  services: Pick<Services, 'catalog' | 'policies'>,
  sources: Readonly<Record<string, DataSourceInput>>,
  rawPolicies: readonly unknown[],
): Promise<number> {
  const { catalog, policies } = services;
  let created = 0;
  for (const [id, input] of Object.entries(sources)) {
    if (await catalog.getSource(id)) continue;
    await catalog.putSource(id, input, undefined, seedAudit('dataSource', id));
    created++;
  }
  for (const raw of rawPolicies) {
    const doc: PolicyDocument = parsePolicyDocument(raw);
    if (await policies.get(doc.policyKey)) continue;
    await policies.put(doc, () => seedAudit('policy', doc.policyKey));
    created++;
  }
  return created;
}

/** Seeds the demo catalog and policies; anything already there is left as it is. */
export async function seedCatalog(services: Services): Promise<number> {
  let created = 0;
  for (const [id, input] of Object.entries(DEMO_DOMAINS)) {
    if (await services.catalog.getDomain(id)) continue;
    await services.catalog.putDomain(id, input, undefined, seedAudit('domain', id));
    created++;
  }
  return created + (await seedSourcesAndPolicies(services, DEMO_SOURCES, DEMO_POLICIES));
}
