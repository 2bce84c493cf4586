import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBaseApp } from '#shared/http/app.ts';
import { runInRequest } from '#shared/audit/request-scope.ts';
import { readConfig } from '#shared/config.ts';
import { createLogger } from '#shared/log/logger.ts';
import { createMetrics, NO_METRICS } from '#shared/log/metrics.ts';
import type { Services } from '#shared/services.ts';

/** The JSON lines written to stdout while `fn` runs. */
async function stdoutLines(fn: () => unknown): Promise<Array<Record<string, unknown>>> {
  const written: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    await fn();
  } finally {
    spy.mockRestore();
  }
  return written.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

afterEach(() => vi.restoreAllMocks());

describe('the logger', () => {
  it('writes JSON lines that carry the ids of the request being served, also from work it started', async () => {
    const log = createLogger({ service: 'warden-test', level: 'info' });
    const lines = await stdoutLines(() =>
      runInRequest({ requestId: 'r-1', clientRequestId: 'c-1' }, async () => {
        await new Promise((r) => setTimeout(r, 1));
        log.child({ job: 'refresh' }).info('snapshot loaded', { sources: 3 });
      }),
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'INFO', message: 'snapshot loaded', service: 'warden-test', requestId: 'r-1', clientRequestId: 'c-1', job: 'refresh', sources: 3 });
  });

  it('writes nothing below its level', async () => {
    const log = createLogger({ service: 'warden-test', level: 'warn' });
    expect(await stdoutLines(() => log.info('quiet'))).toEqual([]);
  });

  it('adds the Lambda invocation to every line once the base app has seen its context', async () => {
    const config = { ...readConfig({}), logLevel: 'debug' as const };
    const log = createLogger({ service: 'warden-test', level: 'debug' });
    const services = { log, metrics: NO_METRICS, config } as unknown as Services;
    const app = createBaseApp('policy', services);
    const lambdaContext = { awsRequestId: 'lambda-req-1', functionName: 'warden-policy', functionVersion: '$LATEST', invokedFunctionArn: 'arn:aws:lambda:eu-west-1:1:function:warden-policy', memoryLimitInMB: '512' };
    const lines = await stdoutLines(() => app.request('/health', {}, { lambdaContext }));
    const line = lines.find((l) => l.message === 'request');
    expect(line).toMatchObject({ function_request_id: 'lambda-req-1', function_name: 'warden-policy', function: 'policy', status: 200 });
    expect(typeof line?.cold_start).toBe('boolean');
    expect(line?.requestId).toBeTypeOf('string');
  });
});

describe('metrics', () => {
  it('are flushed as one EMF document per invocation, in the Warden namespace', async () => {
    const metrics = createMetrics({ service: 'warden-test' });
    metrics.count('Decisions', 2);
    metrics.latency('DecisionLatency', 4.5);
    const lines = await stdoutLines(() => metrics.flush());
    expect(lines).toHaveLength(1);
    const emf = lines[0]!;
    expect(emf).toMatchObject({ Decisions: 2, DecisionLatency: 4.5, service: 'warden-test' });
    expect(emf._aws).toMatchObject({ CloudWatchMetrics: [{ Namespace: 'Warden' }] });
    expect(await stdoutLines(() => metrics.flush())).toEqual([]);
  });

  it('are silent where they are off (locally and in tests)', async () => {
    expect(await stdoutLines(() => {
      NO_METRICS.count('Decisions');
      NO_METRICS.flush();
    })).toEqual([]);
  });
});
