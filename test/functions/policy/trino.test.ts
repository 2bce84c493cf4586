import { beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '#shared/services.ts';
import { auditRecords, bearer, json } from '../../support/services.ts';
import { pause, seededPolicyApp } from '../../support/policy.ts';
import * as plugin from '../../support/trino-plugin.ts';

let s: Services;
let app: Awaited<ReturnType<typeof seededPolicyApp>>['app'];
let admin: string;
/** Property name → the path and query Trino would call. */
let uris: Record<string, string>;
let integrationId: string;

const col = (name: string, type: string, tags: string[] = []) => ({ name, type, tags });

/** A lake of Trino tables: HR (strictly confidential, SSN masked but for HR) and customers (internal, filtered by region). */
const SOURCES = {
  lake_employees: {
    name: 'Employees (lake)',
    platform: 'trino',
    database: 'lake',
    schema: 'hr',
    table: 'employees',
    tags: ['Strictly Confidential'],
    columns: [col('id', 'integer'), col('name', 'varchar'), col('ssn', 'varchar', ['Discovered.SSN']), col('country', 'varchar')],
  },
  lake_customers: {
    name: 'Customers (lake)',
    platform: 'trino',
    database: 'LAKE',
    schema: 'Sales',
    table: 'Customers',
    tags: ['Internal'],
    columns: [col('id', 'bigint'), col('region', 'varchar'), col('ssn', 'varchar(11)', ['Discovered.SSN']), col('spend', 'decimal(12,2)')],
  },
};

const CUSTOMER_FILTER = {
  policyKey: 'customer-region',
  name: 'Customers by region',
  type: 'data',
  circumstances: [{ type: 'dataSources', ids: ['lake_customers'] }],
  rules: [{ type: 'rowFilterByPredicate', predicate: "@attributeValuesContains('sales_region', region)", exceptions: { groups: ['Executives'] } }],
};

async function call(property: string, payload: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await app.request(uris[property]!, json('POST', payload, { 'content-type': 'application/json; charset=utf-8' }));
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
const allow = async (payload: unknown) => (await call('opa.policy.uri', payload)).body.result;
const batch = async (payload: unknown) => (await call('opa.policy.batched-uri', payload)).body.result;

const jdoe: plugin.Session = { user: 'jdoe', groups: ['trino-admins'] };
const bob: plugin.Session = { user: 'bob' };
const steve: plugin.Session = { user: 'steve' };
const sam: plugin.Session = { user: 'smwilliams@example.com', groups: ['Executives'] };
const bi: plugin.Session = { user: 'svc-bi' };

beforeAll(async () => {
  const ctx = await seededPolicyApp();
  s = ctx.services;
  app = ctx.app;
  admin = ctx.adminKey;
  for (const [id, source] of Object.entries(SOURCES)) expect((await app.request(`/v1/data-sources/${id}`, json('PUT', source, bearer(admin)))).status).toBe(201);
  expect((await app.request('/v1/policies/customer-region', json('PUT', CUSTOMER_FILTER, bearer(admin)))).status).toBe(201);
  await s.users.create({ iamid: 'okta', userid: 'svc-bi', displayName: 'BI service user', permissions: ['IMPERSONATE_USER'] });
  const res = await app.request('/v1/integrations/trino', json('POST', { id: 'analytics', name: 'analytics', iamid: 'okta', catalogs: ['lake', 'hive'] }, bearer(admin)));
  expect(res.status).toBe(201);
  const created = (await res.json()) as { integration: { id: string }; accessControlProperties: string };
  integrationId = created.integration.id;
  uris = {};
  for (const line of created.accessControlProperties.split('\n')) {
    const [k, v] = line.split(/=(.*)/s);
    if (k?.startsWith('opa.policy.')) uris[k] = new URL(v!).pathname + new URL(v!).search;
  }
  await pause(120);
});

describe('a Trino session through the OPA plugin', () => {
  it('registers with five policy uris, each carrying the credential', () => {
    expect(Object.keys(uris).sort()).toEqual(['opa.policy.batch-column-masking-uri', 'opa.policy.batched-uri', 'opa.policy.column-masking-uri', 'opa.policy.row-filters-uri', 'opa.policy.uri']);
    for (const uri of Object.values(uris)) expect(uri).toMatch(new RegExp(`^/v1/opa/trino/${integrationId}/[a-z-]+\\?key=wti_[A-Za-z0-9_-]{43}$`));
  });

  it('SHOW SCHEMAS and SHOW TABLES list what the user may query or discover', async () => {
    expect(await allow(plugin.executeQuery(jdoe))).toBe(true);
    expect(await allow(plugin.simple(jdoe, 'AccessCatalog', plugin.catalog('lake')))).toBe(true);
    expect(await allow(plugin.simple(jdoe, 'ShowSchemas', plugin.catalog('lake')))).toBe(true);
    expect(await batch(plugin.batchFilter(jdoe, 'FilterCatalogs', ['lake', 'hive', 'system', 'postgres'].map(plugin.catalog)))).toEqual([0, 1]);
    expect(await batch(plugin.batchFilter(jdoe, 'FilterSchemas', ['hr', 'information_schema', 'sales', 'nothing_here'].map((n) => plugin.schema('lake', n))))).toEqual([0, 1, 2]);
    expect(await allow(plugin.simple(jdoe, 'ShowTables', plugin.schema('lake', 'hr')))).toBe(true);
    expect(await batch(plugin.batchFilter(jdoe, 'FilterTables', [plugin.table('lake', 'hr', 'employees'), plugin.table('lake', 'hr', 'unregistered')]))).toEqual([0]);
    expect(await batch(plugin.filterColumns(jdoe, 'lake', 'hr', 'employees', ['id', 'name', 'ssn', 'country']))).toEqual([0, 1, 2, 3]);
  });

  it('SELECT * as an allowed user: granted and audited, the SSN clear for HR, no row filter', async () => {
    const columns = SOURCES.lake_employees.columns.map((c) => c.name);
    expect(await allow(plugin.simple(jdoe, 'SelectFromColumns', plugin.table('lake', 'hr', 'employees', columns)))).toBe(true);
    expect((await call('opa.policy.row-filters-uri', plugin.getRowFilters(jdoe, 'lake', 'hr', 'employees'))).body).toEqual({ result: [] });
    const masks = plugin.getBatchColumnMasks(jdoe, SOURCES.lake_employees.columns.map((c) => plugin.column('lake', 'hr', 'employees', c.name, c.type)));
    expect((await call('opa.policy.batch-column-masking-uri', masks)).body).toEqual({ result: [] });
    const decisions = (await auditRecords(s)).filter((r) => r.action === 'DECISION' && (r.targets as string[])[0] === 'lake_employees');
    expect(decisions.at(-1)).toMatchObject({ actor: { type: 'service', id: `trino:${integrationId}` }, userId: 'okta/jdoe', payload: { access: 'granted', dialect: 'trino' } });
  });

  it('SELECT * as a denied user: the table is discoverable, the select refused and audited as denied', async () => {
    expect(await batch(plugin.batchFilter(steve, 'FilterTables', [plugin.table('lake', 'hr', 'employees')]))).toEqual([0]);
    expect(await allow(plugin.simple(steve, 'SelectFromColumns', plugin.table('lake', 'hr', 'employees', ['id', 'ssn'])))).toBe(false);
    const last = (await auditRecords(s)).filter((r) => r.action === 'DECISION' && r.userId === 'okta/steve').at(-1);
    expect(last).toMatchObject({ payload: { access: 'denied' } });
    // Masks and filters of a denied table fail closed, should Trino ask.
    expect((await call('opa.policy.row-filters-uri', plugin.getRowFilters(steve, 'lake', 'hr', 'employees'))).body).toEqual({ result: [{ expression: 'false' }] });
  });

  it('SELECT * with a mask and a row filter: the Trino SQL of the decision, masks only on the columns asked', async () => {
    const cols = SOURCES.lake_customers.columns;
    // Trino lowercases names: the catalog spells them `LAKE.Sales.Customers`.
    expect(await allow(plugin.simple(sam, 'SelectFromColumns', plugin.table('lake', 'sales', 'customers', cols.map((c) => c.name))))).toBe(true);
    const filters = (await call('opa.policy.row-filters-uri', plugin.getRowFilters(sam, 'lake', 'sales', 'customers'))).body.result as Array<{ expression: string }>;
    expect(filters).toHaveLength(1);
    expect(filters[0]!.expression).toContain("'Ohio'");
    expect(filters[0]!.expression).toContain('"region"');
    const batchMasks = (await call('opa.policy.batch-column-masking-uri', plugin.getBatchColumnMasks(sam, cols.map((c) => plugin.column('lake', 'sales', 'customers', c.name, c.type))))).body;
    expect(batchMasks).toEqual({ result: [{ index: 2, viewExpression: { expression: expect.stringContaining('sha256(to_utf8(') } }] });
    const single = await call('opa.policy.column-masking-uri', plugin.getColumnMask(sam, plugin.column('lake', 'sales', 'customers', 'ssn', 'varchar(11)')));
    expect(single.body).toEqual({ result: (batchMasks.result as Array<{ viewExpression: unknown }>)[0]!.viewExpression });
    expect((await call('opa.policy.column-masking-uri', plugin.getColumnMask(sam, plugin.column('lake', 'sales', 'customers', 'region', 'varchar')))).body).toEqual({});
    // Sam's Trino groups say `Executives`; Warden's own groups decide, and she is not one.
    expect(filters[0]!.expression).not.toBe('true');
  });

  it('a masked user outside HR sees the SSN hashed on the HR table', async () => {
    const res = await call('opa.policy.column-masking-uri', plugin.getColumnMask(bob, plugin.column('lake', 'hr', 'employees', 'ssn', 'varchar')));
    expect(res.body).toEqual({ result: { expression: 'lower(to_hex(sha256(to_utf8(CAST("ssn" AS varchar)))))' } });
  });

  it('--session-user: allowed for a user who may impersonate, refused otherwise, both audited with both users', async () => {
    expect(await allow(plugin.impersonateUser(bi, 'smwilliams@example.com'))).toBe(true);
    expect(await allow(plugin.impersonateUser(steve, 'jdoe'))).toBe(false);
    expect(await allow(plugin.impersonateUser(bi, 'nobody-known'))).toBe(false);
    const events = (await auditRecords(s)).filter((r) => r.action === 'IMPERSONATE' && r.targetType === 'trinoIntegration');
    expect(events.map((e) => [e.actionStatus, e.impersonationUser, e.userId])).toEqual([
      ['SUCCESS', 'okta/svc-bi', 'okta/smwilliams@example.com'],
      ['UNAUTHORIZED', 'okta/steve', 'okta/jdoe'],
      ['UNAUTHORIZED', 'okta/svc-bi', 'okta/nobody-known'],
    ]);
    expect((events[1]!.payload as { reason: string }).reason).toContain('IMPERSONATE_USER');
    // The impersonated session then runs as the session user, the principal recorded as Trino sends it.
    expect(await allow(plugin.simple({ user: 'smwilliams@example.com', principal: 'svc-bi' }, 'SelectFromColumns', plugin.table('lake', 'sales', 'customers', ['id'])))).toBe(true);
  });

  it('denies writes and DDL on governed tables, and everything in catalogs it does not govern', async () => {
    const employees = plugin.table('lake', 'hr', 'employees');
    for (const op of ['InsertIntoTable', 'DeleteFromTable', 'DropTable', 'CreateTable', 'AddColumn', 'CreateViewWithSelectFromColumns']) expect(await allow(plugin.simple(jdoe, op, employees))).toBe(false);
    expect(await allow(plugin.rename(jdoe, 'RenameTable', employees, plugin.table('lake', 'hr', 'people')))).toBe(false);
    expect(await allow(plugin.simple(jdoe, 'CreateSchema', plugin.schema('lake', 'scratch')))).toBe(false);
    expect(await allow(plugin.simple(jdoe, 'SelectFromColumns', plugin.table('system', 'runtime', 'queries', ['query_id'])))).toBe(false);
    expect(await allow(plugin.simple(jdoe, 'AccessCatalog', plugin.catalog('system')))).toBe(false);
    expect(await allow(plugin.simple(jdoe, 'SelectFromColumns', plugin.table('lake', 'hr', 'unregistered', ['x'])))).toBe(false);
  });

  it('denies every operation of an unknown or inactive user', async () => {
    const ghost = { user: 'ghost' };
    expect(await allow(plugin.executeQuery(ghost))).toBe(false);
    expect(await batch(plugin.batchFilter(ghost, 'FilterCatalogs', [plugin.catalog('lake')]))).toEqual([]);
    expect((await call('opa.policy.row-filters-uri', plugin.getRowFilters(ghost, 'lake', 'hr', 'employees'))).body).toEqual({ result: [{ expression: 'false' }] });
    expect((await call('opa.policy.column-masking-uri', plugin.getColumnMask(ghost, plugin.column('lake', 'hr', 'employees', 'id', 'integer')))).body).toEqual({ result: { expression: 'NULL' } });
  });

  it('answers its own query listings for the user only', async () => {
    expect(await allow(plugin.simple(jdoe, 'ViewQueryOwnedBy', { user: { user: 'jdoe', principal: 'jdoe', groups: [] } }))).toBe(true);
    expect(await allow(plugin.simple(jdoe, 'KillQueryOwnedBy', { user: { user: 'bob', principal: 'bob', groups: [] } }))).toBe(false);
  });
});
