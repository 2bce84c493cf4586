/**
 * Decisions per second over HTTP against the local server (DynamoDB Local, seed, audit on):
 * `npx tsx bench/decisions-http.ts` prints one JSON object.
 */
import { availableParallelism, loadavg } from 'node:os';
import autocannon from 'autocannon';
import { newSecret, sha256Hex } from '#shared/auth/secrets.ts';
import { startLocal } from '#local/bootstrap.ts';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
/**
 * Decisions wait for their batched audit write, so throughput grows with requests in flight
 * until DynamoDB Local's write rate is reached: report a light and a busy client fleet.
 */
const CONNECTION_LEVELS = (process.env.BENCH_CONNECTIONS ?? '10,32').split(',').map(Number);

const warden = await startLocal({ port: 0, seed: true, logLevel: 'silent' });

/** GetItems (an unknown key's lookup) per second DynamoDB Local serves with 10 in flight: a yardstick of the machine's load. */
async function dynamoGetRate(seconds: number): Promise<number> {
  const { apiKeys } = warden.services;
  const end = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (performance.now() < end) {
        await apiKeys.getByHash('none');
        done++;
      }
    }),
  );
  return Math.round(done / seconds);
}

try {
  const apiKey = newSecret('wdn');
  await warden.services.apiKeys.create({ hash: sha256Hex(apiKey), name: 'bench', principal: { type: 'service', id: 'bench-engine' }, permissions: ['QUERY_ENGINE'], createdBy: 'bench' });
  const bodies = ['jdoe', 'bob', 'steve', 'smwilliams@example.com'].flatMap((userid) =>
    ['hr_data', 'sales', 'patients'].map((dataSource) => JSON.stringify({ user: { userid, iamid: 'okta' }, dataSource, dialect: 'postgres' })),
  );
  const runs = [];
  for (const connections of CONNECTION_LEVELS) {
    const result = await autocannon({
      url: `${warden.url}/v1/decisions`,
      connections,
      duration: DURATION_S,
      requests: bodies.map((body) => ({ method: 'POST', path: '/v1/decisions', body, headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' } })),
    });
    runs.push({
      connections,
      requestsPerSecond: result.requests.average,
      latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
      requests: result.requests.total,
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
    });
  }
  const dynamoLocalGetItemsPerSecond = await dynamoGetRate(3);
  const best = Math.max(...runs.map((r) => r.requestsPerSecond));
  process.stdout.write(
    `${JSON.stringify({
      benchmark: 'decisions-http',
      endpoint: 'POST /v1/decisions',
      durationSeconds: DURATION_S,
      cpus: availableParallelism(),
      audit: 'on (one record per decision, batched with BatchWriteItem, awaited before answering)',
      runs,
      dynamoLocalGetItemsPerSecond,
      loadAverage1m: loadavg()[0],
      target: { requestsPerSecond: 2000, met: best >= 2000 },
    })}\n`,
  );
} finally {
  await warden.stop();
}
