/**
 * Catalog listings at growing catalog sizes on DynamoDB Local: one page of `GET /v1/data-sources`
 * (plain, by tag, by domain) and of `GET /v1/tags` through the policy app, beside a full scan of
 * the catalog (what every listing request cost before the listing index), with the DynamoDB
 * commands each sends. Sources of 20 columns. Prints one JSON object.
 * Run: `npx tsx bench/catalog-listing.ts [sizes, default 1000,10000]`.
 */
import { createPolicyApp } from '#functions/policy/app.ts';
import { prepareServices } from '#local/bootstrap.ts';
import { startLocalDynamo } from '#local/dynamo.ts';
import type { DataSourceInput } from '#shared/model/catalog.ts';

const sizes = (process.argv[2] ?? '1000,10000').split(',').map(Number);
const audit = { actor: { type: 'service', id: 'bench' }, action: 'CREATE', actionStatus: 'SUCCESS', targetType: 'dataSource', targets: [], payload: {} } as const;

const source = (i: number): DataSourceInput => ({
  name: `Source ${i}`,
  platform: 'postgres',
  database: 'warehouse',
  schema: `schema_${i % 50}`,
  table: `table_${i}`,
  owners: [],
  ...(i % 10 === 0 ? { domain: 'sales' } : {}),
  tags: [`Class.T${i % 10}`],
  columns: Array.from({ length: 20 }, (_, j) => ({ name: `column_${j}`, type: 'varchar', tags: j < 2 ? [`Discovered.C${(i + j) % 20}`] : [] })),
});

const dynamo = await startLocalDynamo();
const results: Record<string, unknown>[] = [];
try {
  for (const size of sizes) {
    const { services, adminKey } = await prepareServices({ dynamoEndpoint: dynamo.endpoint, tablePrefix: `bench${size}_`, seed: false, logLevel: 'silent' });
    const app = createPolicyApp(services);
    const headers = { authorization: `Bearer ${adminKey}` };
    const sent: string[] = [];
    services.db.doc.middlewareStack.add((next, context) => async (args) => (sent.push(context.commandName ?? '?'), next(args)), { step: 'initialize', name: 'benchCount' });
    await services.catalog.putDomain('sales', { name: 'Sales', tags: ['Class.T3'] }, undefined, { ...audit, targetType: 'domain' });
    const seeded = performance.now();
    // Every catalog write bumps one snapshot item: they go one at a time.
    for (let i = 0; i < size; i++) await services.catalog.putSource(`src${String(i).padStart(6, '0')}`, source(i), undefined, audit);
    const seedMsPerSource = (performance.now() - seeded) / size;
    const measure = async (label: string, run: () => Promise<unknown>) => {
      await run();
      sent.length = 0;
      const t0 = performance.now();
      const out = await run();
      return { label, ms: Math.round((performance.now() - t0) * 10) / 10, commands: [...new Set(sent)].map((c) => `${c}×${sent.filter((x) => x === c).length}`), entries: out };
    };
    const page = (path: string, field: string) => async () => {
      const body = (await (await app.request(path, { headers })).json()) as Record<string, unknown[] | string | null>;
      return { [field]: (body[field] as unknown[]).length, more: body.nextCursor !== null };
    };
    results.push({
      sources: size,
      seedMsPerSource: Math.round(seedMsPerSource * 10) / 10,
      runs: [
        await measure('full scan (each listing before)', async () => ({ sources: (await services.catalog.scan()).sources.length })),
        await measure('GET /v1/data-sources (first page, 1000)', page('/v1/data-sources', 'dataSources')),
        await measure('GET /v1/data-sources?limit=100', page('/v1/data-sources?limit=100', 'dataSources')),
        await measure('GET /v1/data-sources?tag=Class.T3&limit=100', page('/v1/data-sources?tag=Class.T3&limit=100', 'dataSources')),
        await measure('GET /v1/data-sources?domain=sales&limit=100', page('/v1/data-sources?domain=sales&limit=100', 'dataSources')),
        await measure('GET /v1/tags', page('/v1/tags', 'tags')),
      ],
    });
    services.db.doc.middlewareStack.remove('benchCount');
  }
  process.stdout.write(`${JSON.stringify({ benchmark: 'catalog-listing', results })}\n`);
} finally {
  await dynamo.stop();
}
