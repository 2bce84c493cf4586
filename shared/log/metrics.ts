import { MetricUnit, Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';

/** The metrics Warden emits; an operator reads decisions/s and p99 latency from them without code. */
export type MetricName = 'Decisions' | 'DecisionLatency' | 'TokensMinted' | 'TokensVerified' | 'TokensRefused';

/** Counts and latencies, buffered and flushed once per Lambda invocation (EMF on stdout). */
export interface Metrics {
  /** Adds `value` (default 1) to a count. */
  count(name: Exclude<MetricName, 'DecisionLatency'>, value?: number): void;
  /** Records one latency sample in milliseconds. */
  latency(name: 'DecisionLatency', ms: number): void;
  /** Writes what was recorded since the last flush (nothing when nothing was). */
  flush(): void;
}

/** Metrics that record nothing: locally and in tests, unless `WARDEN_METRICS=on`. */
export const NO_METRICS: Metrics = { count: () => {}, latency: () => {}, flush: () => {} };

/** CloudWatch metrics through AWS Lambda Powertools (namespace `Warden`, dimension `service`). */
export function createMetrics(options: { readonly service: string; readonly namespace?: string }): Metrics {
  const metrics = new PowertoolsMetrics({ namespace: options.namespace ?? 'Warden', serviceName: options.service });
  let stored = false;
  return {
    count(name, value = 1) {
      metrics.addMetric(name, MetricUnit.Count, value);
      stored = true;
    },
    latency(name, ms) {
      metrics.addMetric(name, MetricUnit.Milliseconds, ms);
      stored = true;
    },
    flush() {
      // Powertools warns on an empty flush; an invocation without a decision or token has none.
      if (!stored) return;
      stored = false;
      metrics.publishStoredMetrics();
    },
  };
}
