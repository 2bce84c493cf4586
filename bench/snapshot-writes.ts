/**
 * Concurrent catalog writes on DynamoDB Local: N source writes started at once (each bumps the
 * snapshot and writes its change record), with the wall time, the transactions sent (more than
 * N: writes that were retried) and how many failed. Once with a tag every source shares (one
 * tag counter item for all) and once with a tag of its own per source.
 * Run: `npx tsx bench/snapshot-writes.ts [sizes, default 10,50,200]`.
 */
import { prepareServices } from '#local/bootstrap.ts';
import { startLocalDynamo } from '#local/dynamo.ts';
import type { DataSourceInput } from '#shared/model/catalog.ts';

const sizes = (process.argv[2] ?? '10,50,200').split(',').map(Number);
const audit = { actor: { type: 'service', id: 'bench' }, action: 'CREATE', actionStatus: 'SUCCESS', targetType: 'dataSource', targets: [], payload: {} } as const;
const source = (tag: string): DataSourceInput => ({ name: 'S', platform: 'postgres', database: 'd', schema: 's', table: 't', owners: [], tags: [tag], columns: [{ name: 'c', type: 'varchar', tags: [] }] });

const dynamo = await startLocalDynamo();
const results: Record<string, unknown>[] = [];
try {
  for (const tags of ['shared', 'distinct'] as const) {
    for (const n of sizes) {
      const { services } = await prepareServices({ dynamoEndpoint: dynamo.endpoint, tablePrefix: `w${tags[0]}${n}_`, seed: false, logLevel: 'silent' });
      const sent: string[] = [];
      const busy: Record<string, number> = {};
      services.db.doc.middlewareStack.add(
        (next, context) => async (args) => {
          const name = context.commandName ?? '?';
          sent.push(name);
          const t = performance.now();
          try {
            return await next(args);
          } finally {
            busy[name] = (busy[name] ?? 0) + performance.now() - t;
          }
        },
        { step: 'initialize', name: 'benchCount' },
      );
      const t0 = performance.now();
      const outcomes = await Promise.allSettled(Array.from({ length: n }, (_, i) => services.catalog.putSource(`s${i}`, source(tags === 'shared' ? 'PII' : `T${i}`), undefined, audit)));
      const ms = Math.round(performance.now() - t0);
      const count = (c: string) => sent.filter((x) => x === c).length;
      results.push({
        writes: n,
        tags,
        ms,
        transactions: count('TransactWriteItemsCommand'),
        retries: count('TransactWriteItemsCommand') - n,
        failed: outcomes.filter((o) => o.status === 'rejected').length,
        commands: Object.fromEntries([...new Set(sent)].map((c) => [c, { sent: count(c), meanMs: Math.round(busy[c]! / count(c)) }])),
      });
    }
  }
  process.stdout.write(`${JSON.stringify({ benchmark: 'snapshot-writes', results })}\n`);
} finally {
  await dynamo.stop();
}
