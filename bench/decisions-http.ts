/**
 * Decisions over local HTTP against the local server (DynamoDB Local, seed, audit on), in the
 * three shapes of issue #16: one connection (p50/p99 of sequential requests), 64 connections
 * (single decisions/s) and `POST /v1/decisions/batch` (decisions/s), with DynamoDB Local's own
 * write rate at the same concurrency as the yardstick (decision records 25 a call, 4 calls in
 * flight; a batch request's record, 16 in flight), and the same shapes once more with the
 * audit write answered in memory: the floor of this machine without DynamoDB Local, measured
 * here only (the product always waits for DynamoDB). Every audit write's time on the wire is
 * kept, so `whoseTime` says what is Warden's and the SDK's and what is DynamoDB Local's own.
 * `npm run bench:decisions` prints one JSON object per benchmark; this one is the last.
 */
import { Agent, request as httpRequest } from 'node:http';
import { availableParallelism, loadavg } from 'node:os';
import autocannon from 'autocannon';
import { Readable } from 'node:stream';
import { BatchWriteItemCommand, type BatchWriteItemCommandOutput } from '@aws-sdk/client-dynamodb';
import type { HttpHandlerOptions, HttpRequest, HttpResponse, RequestHandler } from '@smithy/types';
import { newSecret, sha256Hex } from '#shared/auth/secrets.ts';
import { completeRecord, type AuditRecord } from '#shared/audit/record.ts';
import { readConfig } from '#shared/config.ts';
import type { DecisionContext } from '#shared/decision-service/context.ts';
import { decisionRecords } from '#shared/decision-service/decision-audit.ts';
import { startLocal } from '#local/bootstrap.ts';
import { covered, type Span } from './dynamo-meter.ts';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
/** Connections of the busy shape (the 64). */
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
/** Sources per `POST /v1/decisions/batch`. */
const BATCH_SIZE = Number(process.env.BENCH_BATCH_SIZE ?? 100);
const TARGETS = { p50Ms1Connection: 2, decisionsPerSecond64Connections: 5000, batchDecisionsPerSecond: 20000 };

// As in AWS: no check of each answer against its schema (tests and `npm start` keep it on).
const warden = await startLocal({ port: 0, seed: true, logLevel: 'silent', config: { ...readConfig(process.env), checkReplies: false } });
const { db } = warden.services;

/** While set, the audit's writes (the raw client's calls) are answered at once on the wire, without leaving the process. */
let auditInMemory = false;
/** Spans of the audit's writes: whole calls, and their time on the wire (request sent to response headers). */
const calls: Span[] = [];
const wire: Span[] = [];
// Below every middleware (the raw client resolves its middleware once): the SDK's whole path runs either way.
const handler = db.raw.config.requestHandler as RequestHandler<HttpRequest, HttpResponse, HttpHandlerOptions>;
const onTheWire = handler.handle.bind(handler);
handler.handle = async (request, options) => {
  const started = performance.now();
  try {
    if (!auditInMemory) return await onTheWire(request, options);
    const body = Buffer.from('{"UnprocessedItems":{}}');
    return { response: { statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.0', 'content-length': String(body.length) }, body: Readable.from([body]) } };
  } finally {
    wire.push([started, performance.now()]);
  }
};
const send = db.raw.send.bind(db.raw) as (command: BatchWriteItemCommand) => Promise<BatchWriteItemCommandOutput>;
db.raw.send = (async (command: BatchWriteItemCommand) => {
  const started = performance.now();
  try {
    return await send(command);
  } finally {
    calls.push([started, performance.now()]);
  }
}) as typeof db.raw.send;

/**
 * What sequential requests spent, in milliseconds a request: in Warden's own code (HTTP, auth,
 * decision, reply, record; at one connection also the bench's client, on the same event loop),
 * in the SDK's path of the audit write (marshal, sign, HTTP client, parse) and waiting for
 * DynamoDB Local on the wire (the store's own time, with the loopback HTTP to it). The mean, and
 * each part's median over the requests, which a descheduled instant of a loaded machine moves less.
 */
function split(requests: readonly Span[]) {
  const [from, to] = [requests[0]?.[0] ?? 0, requests.at(-1)?.[1] ?? 0];
  const [ownCalls, ownWire] = [calls, wire].map((spans) => spans.filter(([a, b]) => b > from && a < to));
  const parts = requests.map(([a, b]) => {
    const writing = covered(ownCalls!, a, b);
    const stored = covered(ownWire!, a, b);
    return { ours: b - a - writing, sdk: writing - stored, store: stored };
  });
  const ms = (values: number[], q?: number) => (q === undefined ? values.reduce((n, v) => n + v, 0) / Math.max(1, values.length) : percentile([...values].sort((x, y) => x - y), q));
  const of = (q?: number) => {
    const [ours, sdk, store] = (['ours', 'sdk', 'store'] as const).map((k) => Math.round(ms(parts.map((p) => p[k]), q) * 1000) / 1000);
    return { oursMs: ours!, sdkMs: sdk!, storeMs: store! };
  };
  return { mean: of(), p50: of(0.5) };
}

/** Durations, sorted, of the spans that start in [from, to]. */
const within = (spans: readonly Span[], from: number, to: number) => spans.filter(([a]) => a >= from && a < to).map(([a, b]) => b - a).sort((x, y) => x - y);

const percentile = (sorted: number[], q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! * 1000) / 1000;

/** Sequential requests over one keep-alive connection, timed each to the microsecond (autocannon's histogram counts whole milliseconds). */
async function oneConnection(path: string, bodies: string[], headers: Record<string, string>) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(warden.url);
  const request = (body: string) =>
    new Promise<number>((resolve, reject) => {
      const req = httpRequest({ host: url.hostname, port: url.port, path, method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(body);
    });
  const timed: Span[] = [];
  const end = performance.now() + DURATION_S * 1000;
  for (let i = 0; performance.now() < end; i++) {
    const t = performance.now();
    const status = await request(bodies[i % bodies.length]!);
    if (status !== 200) throw new Error(`${path} answered ${status}`);
    if (i >= 50) timed.push([t, performance.now()]);
  }
  agent.destroy();
  const ms = timed.map(([a, b]) => b - a).sort((a, b) => a - b);
  return { requests: ms.length, latencyMs: { p50: percentile(ms, 0.5), p99: percentile(ms, 0.99) }, split: split(timed) };
}

/**
 * autocannon in a worker thread, so the load generator does not share the server's event loop;
 * the server's own time per request is its event loop's busy time over the requests answered,
 * a figure that moves less with the machine's load than the rates do.
 */
async function busy(path: string, bodies: string[], headers: Record<string, string>, connections: number) {
  const before = performance.eventLoopUtilization();
  const from = performance.now();
  const result = await autocannon({
    url: `${warden.url}${path}`,
    connections,
    duration: DURATION_S,
    workers: 1,
    requests: bodies.map((body) => ({ method: 'POST', path, body, headers })),
  });
  const loop = performance.eventLoopUtilization(before);
  const to = performance.now();
  const [sent, onWire] = [within(calls, from, to), within(wire, from, to)];
  return {
    connections,
    requestsPerSecond: result.requests.average,
    serverBusyUsPerRequest: Math.round((loop.active * 1000) / Math.max(1, result.requests.total)),
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99 },
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    auditWrites: { calls: sent.length, requestsPerCall: Math.round((result.requests.total / Math.max(1, sent.length)) * 10) / 10, callP50Ms: percentile(sent, 0.5), wireP50Ms: percentile(onWire, 0.5) },
  };
}

/** A single decision's audit record, as the batcher completes it. */
const decisionRecord = () => completeRecord({ actor: { type: 'service', id: 'bench' }, action: 'DECISION', actionStatus: 'SUCCESS', targetType: 'dataSource', targets: ['sales'], payload: { access: 'granted', dialect: 'postgres' } });

/** DynamoDB Local alone: records of `record` written as the batcher writes them, `inFlight` calls at a time of `size` items each. */
async function dynamoWrites(inFlight: number, size: number, seconds: number, record: () => AuditRecord = decisionRecord) {
  const { audit } = warden.services;
  const ms: number[] = [];
  const from = performance.now();
  const end = from + seconds * 1000;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        await db.raw.send(new BatchWriteItemCommand({ RequestItems: { [db.tables.audit]: Array.from({ length: size }, () => ({ PutRequest: { Item: audit.attributes(record()) } })) } }));
        ms.push(performance.now() - t);
      }
    }),
  );
  ms.sort((a, b) => a - b);
  const onWire = within(wire, from, performance.now());
  return { inFlight, itemsPerCall: size, itemKb: Math.round(Buffer.byteLength(JSON.stringify(audit.item(record()))) / 100) / 10, itemsPerSecond: Math.round((ms.length * size) / seconds), callP50Ms: percentile(ms, 0.5), wireP50Ms: percentile(onWire, 0.5) };
}

try {
  const apiKey = newSecret('wdn');
  await warden.services.apiKeys.create({ hash: sha256Hex(apiKey), name: 'bench', principal: { type: 'service', id: 'bench-engine' }, permissions: ['QUERY_ENGINE'], createdBy: 'bench' });
  const admin = { authorization: `Bearer ${warden.adminKey}`, 'content-type': 'application/json' };
  const sales = (await (await fetch(`${warden.url}/v1/data-sources/sales`, { headers: admin })).json()) as Record<string, unknown>;
  const batchIds = Array.from({ length: BATCH_SIZE }, (_, i) => `bench_${i}`);
  for (const id of batchIds) {
    const res = await fetch(`${warden.url}/v1/data-sources/${id}`, { method: 'PUT', headers: admin, body: JSON.stringify({ name: id, platform: 'postgres', database: 'bench', schema: 'public', table: id, tags: sales.tags, columns: sales.columns }) });
    if (!res.ok) throw new Error(`PUT /v1/data-sources/${id} answered ${res.status}`);
  }
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  const users = ['jdoe', 'bob', 'steve', 'smwilliams@example.com'];
  const single = users.flatMap((userid) => ['hr_data', 'sales', 'patients'].map((dataSource) => JSON.stringify({ user: { userid, iamid: 'okta' }, dataSource, dialect: 'postgres' })));
  const batch = users.map((userid) => JSON.stringify({ user: { userid, iamid: 'okta' }, dataSources: batchIds, dialect: 'postgres' }));
  // The snapshot sees the bench sources within its refresh interval.
  await new Promise((r) => setTimeout(r, warden.services.config.snapshotRefreshMs + 100));

  const shapes = async () => {
    const one = await oneConnection('/v1/decisions', single, headers);
    const many = await busy('/v1/decisions', single, headers, CONNECTIONS);
    const batched = await busy('/v1/decisions/batch', batch, headers, 16);
    return {
      oneConnection: one,
      [`connections${CONNECTIONS}`]: many,
      batch: { ...batched, sourcesPerRequest: BATCH_SIZE, decisionsPerSecond: Math.round(batched.requestsPerSecond * BATCH_SIZE) },
    };
  };
  await oneConnection('/v1/decisions', single, headers);
  const dynamoDb = await shapes();
  // The record of one batch request, to write as many at the batch shape's concurrency as DynamoDB Local takes.
  const engine: DecisionContext = { caller: { principal: { type: 'service', id: 'bench' }, permissions: new Set(['QUERY_ENGINE']), via: 'api-key' } };
  const asked = await warden.services.decisions.decideMany(engine, { iamid: 'okta', userid: 'bob' }, batchIds, 'postgres');
  const [batchRecord] = decisionRecords(engine, asked, 'postgres');
  const dynamoLocal = {
    lone: await dynamoWrites(1, 1, 3),
    grouped: await dynamoWrites(4, 25, 3),
    batchRecords: await dynamoWrites(16, 1, 3, () => completeRecord(batchRecord!)),
  };
  auditInMemory = true;
  const floor = await shapes();
  auditInMemory = false;
  const one = dynamoDb.oneConnection.latencyMs.p50;
  const many = (dynamoDb[`connections${CONNECTIONS}`] as { requestsPerSecond: number }).requestsPerSecond;
  const floorMany = (floor[`connections${CONNECTIONS}`] as { requestsPerSecond: number }).requestsPerSecond;
  const round = (ms: number) => Math.round(ms * 1000) / 1000;
  process.stdout.write(
    `${JSON.stringify({
      benchmark: 'decisions-http',
      durationSecondsPerShape: DURATION_S,
      cpus: availableParallelism(),
      audit: 'on: one record per decision, group-committed with BatchWriteItem (25 a call), awaited before answering',
      replyChecks: 'off, as in AWS',
      dynamoDb,
      dynamoLocal,
      floorAuditInMemory: { note: 'the same shapes with the audit writes answered in process on the wire, the SDK still run: bench only', ...floor },
      whoseTime: {
        note: 'ours: Warden and the SDK; store: DynamoDB Local on the wire (loopback HTTP included), in the same run',
        oneConnectionP50Ms: { ours: round(dynamoDb.oneConnection.split.p50.oursMs + dynamoDb.oneConnection.split.p50.sdkMs), store: dynamoDb.oneConnection.split.p50.storeMs },
        loneWriteP50Ms: { sdk: round(dynamoLocal.lone.callP50Ms - dynamoLocal.lone.wireP50Ms), store: dynamoLocal.lone.wireP50Ms },
        busyDecisionsPerSecond: { oursAlone: floorMany, storeAloneItems25ACall: dynamoLocal.grouped.itemsPerSecond },
      },
      loadAverage1m: loadavg()[0],
      targets: {
        p50Ms1Connection: { target: TARGETS.p50Ms1Connection, value: one, met: one <= TARGETS.p50Ms1Connection },
        decisionsPerSecond64Connections: { target: TARGETS.decisionsPerSecond64Connections, value: many, met: many >= TARGETS.decisionsPerSecond64Connections },
        batchDecisionsPerSecond: { target: TARGETS.batchDecisionsPerSecond, value: dynamoDb.batch.decisionsPerSecond, met: dynamoDb.batch.decisionsPerSecond >= TARGETS.batchDecisionsPerSecond },
      },
    })}\n`,
  );
} finally {
  await warden.stop();
}
