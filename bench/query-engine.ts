/**
 * The query engine against its backend, in one run. Prints one JSON object.
 * Run: `npm run bench:query-engine` (backend: `WARDEN_QUERY_BACKEND_URL`, else a PostgreSQL 15
 * server this run starts). The same queries directly on the backend and through the engine:
 * p50/p99 at 1 connection and throughput at 16; the rewrite alone (parse, decide, deparse) for a
 * 5-table join, of a new text each time and of one text repeated; the audit write measured
 * apart (a query's rows wait for it, in parallel with it).
 */
import pg from 'pg';
import type { Caller } from '#shared/auth/caller.ts';
import { sha256Hex } from '#shared/auth/secrets.ts';
import { prepareServices } from '#local/bootstrap.ts';
import { startLocalDynamo } from '#local/dynamo.ts';
import { demoDatabaseSql } from '#query-engine/backend/demo-database.ts';
import { seedQueryDemo } from '#query-engine/backend/demo-catalog.ts';
import { postgresBackend } from '#query-engine/backend/postgres.ts';
import { startQueryEngine } from '#query-engine/server.ts';
import { planQuery } from '#query-engine/session/plan.ts';
import { parseStatements } from '#query-engine/sql/parse.ts';
import { classify } from '#query-engine/sql/statements.ts';
import { adminSql, startPostgres } from '../test/query-engine/postgres-server.ts';

const ROUNDS = 2000;
const CONCURRENCY = 16;
const QUERIES = [
  { text: 'SELECT count(*) FROM crm.orders WHERE amount > $1', values: [100] },
  { text: 'SELECT c.name, o.amount FROM crm.orders o JOIN crm.customers c ON c.id = o.customer_id WHERE o.id = $1', values: [3] },
];
const JOIN5 =
  'SELECT e.first_name, c.name, o.amount, o2.region FROM crm.orders o JOIN crm.customers c ON c.id = o.customer_id JOIN crm.orders o2 ON o2.customer_id = c.id JOIN crm.customers c2 ON c2.id = o2.customer_id JOIN hr.employees e ON e.id = o.id WHERE o.amount > ';

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => Number(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(1));
  return { n: sorted.length, p50Us: at(0.5), p99Us: at(0.99) };
}

async function latencies(client: pg.Client): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const q = QUERIES[i % QUERIES.length]!;
    const t0 = process.hrtime.bigint();
    await client.query(q);
    out.push(Number(process.hrtime.bigint() - t0) / 1e3);
  }
  return out;
}

async function throughput(clients: pg.Client[]): Promise<number> {
  let next = 0;
  const total = ROUNDS * 2;
  const t0 = performance.now();
  await Promise.all(clients.map(async (c) => {
    while (next < total) await c.query(QUERIES[next++ % QUERIES.length]!);
  }));
  return Math.round(total / ((performance.now() - t0) / 1000));
}

const dynamo = await startLocalDynamo();
const server = process.env.WARDEN_QUERY_BACKEND_URL ? undefined : await startPostgres();
try {
  const url = process.env.WARDEN_QUERY_BACKEND_URL ?? server!.url('warden');
  if (server) {
    await adminSql(server, 'postgres', 'CREATE DATABASE warden');
    await adminSql(server, 'warden', demoDatabaseSql());
  }
  const { services } = await prepareServices({ dynamoEndpoint: dynamo.endpoint, tablePrefix: 'bench_', seed: true, logLevel: 'silent' });
  await seedQueryDemo(services);
  const current = await services.impersonationSettings.get();
  await services.impersonationSettings.put({ ...current, allowedImpersonators: [{ type: 'service', id: 'bi-tool' }], userMappingIamid: 'okta' }, current.version, {
    actor: { type: 'service', id: 'bench' }, action: 'UPDATE', actionStatus: 'SUCCESS', targetType: 'impersonationSettings', targets: ['settings'], payload: {},
  });
  const key = 'wdn_bench-bi-tool';
  await services.apiKeys.create({ hash: sha256Hex(key), name: 'bench', principal: { type: 'service', id: 'bi-tool' }, permissions: [], createdBy: 'bench' });
  const backend = await postgresBackend(url);
  const engine = await startQueryEngine({ services, backend, host: '127.0.0.1', port: 0 });

  const direct = () => new pg.Client({ connectionString: url });
  const through = () => new pg.Client({ host: '127.0.0.1', port: engine.port, user: 'bi-tool', password: key, database: 'warden' });
  const open = async (make: () => pg.Client, impersonate: boolean) => {
    const c = make();
    await c.connect();
    if (impersonate) await c.query("CALL warden.impersonate_user('smwilliams@example.com')");
    return c;
  };

  const d1 = await open(direct, false);
  const e1 = await open(through, true);
  await latencies(d1);
  await latencies(e1);
  const directSamples = stats(await latencies(d1));
  const engineSamples = stats(await latencies(e1));
  const d16 = await Promise.all(Array.from({ length: CONCURRENCY }, () => open(direct, false)));
  const e16 = await Promise.all(Array.from({ length: CONCURRENCY }, () => open(through, true)));
  const directQps = await throughput(d16);
  const engineQps = await throughput(e16);

  const bob = await services.users.getProfile('okta', 'bob');
  const caller: Caller = { principal: { type: 'user', iamid: 'okta', id: bob!.userid }, permissions: new Set(), via: 'api-key' };
  const pc = { decisions: services.decisions, backend, passThrough: new Set<string>(), searchPath: ['postgres', 'public'], caller, login: caller, show: () => '', auditExtra: {} };
  const rewrite: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = process.hrtime.bigint();
    // A new text each time: the parse cache would otherwise hide the parser's cost.
    const text = `${JOIN5}${i}`;
    const statement = classify(parseStatements(text)[0]!.stmt!);
    if (statement.kind === 'query') await planQuery(pc, statement.node, text);
    if (i >= 200) rewrite.push(Number(process.hrtime.bigint() - t0) / 1e3);
  }
  // The same text again and again, as a BI tool or a prepared statement's every Bind repeats it.
  const repeated: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = process.hrtime.bigint();
    const statement = classify(parseStatements(`${JOIN5}1`)[0]!.stmt!);
    if (statement.kind === 'query') await planQuery(pc, statement.node, `${JOIN5}1`);
    if (i >= 200) repeated.push(Number(process.hrtime.bigint() - t0) / 1e3);
  }
  const sample = classify(parseStatements(`${JOIN5}1`)[0]!.stmt!);
  if (sample.kind !== 'query') throw new Error('the benchmark query is not a query');
  const plan = await planQuery(pc, sample.node, `${JOIN5}1`);
  const audit: number[] = [];
  for (let i = 0; i < 500; i++) {
    const t0 = process.hrtime.bigint();
    await services.decisions.auditQuery(plan.ctx, plan.record);
    audit.push(Number(process.hrtime.bigint() - t0) / 1e3);
  }
  const auditWait = stats(audit);
  for (const c of [d1, e1, ...d16, ...e16]) await c.end();
  await engine.close();
  await backend.close();
  process.stdout.write(
    `${JSON.stringify({
      benchmark: 'query-engine',
      backend: server ? 'postgresql-15 (started by the bench)' : 'WARDEN_QUERY_BACKEND_URL',
      queries: QUERIES.map((q) => q.text),
      oneConnection: { direct: directSamples, engine: engineSamples },
      throughput16: { directQps, engineQps },
      rewrite5TableJoin: stats(rewrite),
      rewrite5TableJoinRepeated: stats(repeated),
      auditWrite: auditWait,
      overheadP50Us: Number((engineSamples.p50Us - directSamples.p50Us).toFixed(1)),
      // The audit write runs beside the query; only the part of it that outlasts the query is waited for.
      overheadBeyondAuditWaitP50Us: Number((engineSamples.p50Us - Math.max(directSamples.p50Us, auditWait.p50Us)).toFixed(1)),
      targets: { overheadBeyondAuditWaitP50Us: 1000, rewriteP50Us: 200 },
    })}\n`,
  );
} finally {
  await server?.stop();
  await dynamo.stop();
}
