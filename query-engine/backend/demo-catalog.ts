import { col, salesRegionFilter, seedSourcesAndPolicies } from '#shared/demo/catalog.ts';
import type { DataSourceInput } from '#shared/model/catalog.ts';
import type { Services } from '#shared/services.ts';

/**
 * The demo database's CRM tables as data sources (beside the demo catalog's `hr_data`), so
 * every seed flow of the README runs on `npm start`: `customers` with a masked email, `orders`
 * filtered by the user's `sales_region`. `public.regions` stays unregistered: it is refused.
 */
export const QUERY_DEMO_SOURCES: Readonly<Record<string, DataSourceInput>> = {
  customers: {
    name: 'Customers',
    platform: 'postgres',
    database: 'warden',
    schema: 'crm',
    table: 'customers',
    owners: [],
    tags: ['Internal'],
    columns: [col('id', 'integer'), col('name', 'varchar'), col('email', 'varchar', ['Discovered.Email']), col('address', 'varchar'), col('country', 'varchar', ['Discovered.Country'])],
  },
  orders: {
    name: 'Orders',
    platform: 'postgres',
    database: 'warden',
    schema: 'crm',
    table: 'orders',
    owners: [],
    tags: ['Internal'],
    columns: [col('id', 'integer'), col('customer_id', 'integer'), col('region', 'varchar'), col('amount', 'numeric')],
  },
};

/** The policies of those sources: emails masked but for HR, orders seen in the user's sales regions but by Executives. */
export const QUERY_DEMO_POLICIES: readonly unknown[] = [
  {
    policyKey: 'mask-email',
    name: 'Mask Email',
    type: 'data',
    circumstances: [{ type: 'dataSources', ids: ['customers'] }],
    rules: [{ type: 'masking', fields: [{ type: 'columnTags', tag: 'Discovered.Email' }], masking: { type: 'constant', value: 'REDACTED' }, exceptions: { groups: ['HR'] } }],
  },
  salesRegionFilter('orders-region-filter', 'Orders Region Filter', 'orders'),
];

/** Registers the demo database's sources and policies; what is already there is left as it is. */
export async function seedQueryDemo(services: Pick<Services, 'catalog' | 'policies'>): Promise<void> {
  await seedSourcesAndPolicies(services, QUERY_DEMO_SOURCES, QUERY_DEMO_POLICIES);
}
