import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import type { Db } from '#shared/store/client.ts';
import { covered, recordRawWireTime, type Span } from './dynamo-meter.ts';

/** One call into a repository or collaborator, and when it ran. */
export interface Call {
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

const ms = (n: number): number => Math.round(n * 10) / 10;

/** Milliseconds of [from, to] covered by `spans` outside the collector's pauses `gc` (a response that lands during a pause waits for this process, not the store). */
function coveredOutside(spans: readonly Span[], gc: readonly Span[], from: number, to: number): number {
  const paused = gc.reduce((n, [a, b]) => n + (b > from && a < to ? covered(spans, Math.max(a, from), Math.min(b, to)) : 0), 0);
  return covered(spans, from, to) - paused;
}

/** The calls of a warm instance's refresh: the version check and the delta's reads. */
const REFRESH_CALLS = new Set(['policies.snapshotVersion', 'policies.changes', 'policies.getMany', 'catalog.getMany']);

/** One decision as the breakdown sees it: when it was asked and when it was answered. */
export interface Timed {
  readonly start: number;
  readonly end: number;
  /** CPU time (user + system, every thread) of this process meanwhile. */
  readonly cpuMs: number;
}

/** Where the time of one slow decision went. */
export interface SlowDecision {
  readonly totalMs: number;
  /** Awaiting its audit record's write (the batcher's promise), of which `auditWireMs` on the wire. */
  readonly auditMs: number;
  /** The audit BatchWriteItem between sending and its response's headers, outside GC pauses: DynamoDB Local's own time. */
  readonly auditWireMs: number;
  /** Refresh reads (version, changes, items) in flight, outside GC pauses, before its audit write began. */
  readonly refreshReadMs: number;
  /** The rest: this process (deriving, recomputing entries, deciding, GC, event-loop waits). */
  readonly inProcessMs: number;
  /** Garbage-collection pauses within it. */
  readonly gcMs: number;
  /** CPU time of this process within it: far below `inProcessMs`, the process waited for a core, it did not work. */
  readonly cpuMs: number;
  /** The store's share: audit wire time plus refresh reads. */
  readonly storeMs: number;
}

/** Process pauses over a phase: the event loop's delay and the collector's pauses. */
export interface Pauses {
  readonly eventLoopDelayP99Ms: number;
  readonly eventLoopDelayMaxMs: number;
  readonly gcPauses: number;
  readonly gcMaxMs: number;
  /** The longest full (mark-compact) collection. */
  readonly gcMajorMaxMs: number;
  readonly gcTotalMs: number;
}

/** Watches the event loop and the collector from now until `stop`. */
export function watchPauses(): { gc: Span[]; stop(): Pauses } {
  const gc: Span[] = [];
  let majorMax = 0;
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gc.push([e.startTime, e.startTime + e.duration]);
      if ((e as unknown as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majorMax = Math.max(majorMax, e.duration);
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  return {
    gc,
    stop() {
      delay.disable();
      observer.disconnect();
      const durations = gc.map(([a, b]) => b - a);
      return {
        eventLoopDelayP99Ms: ms(delay.percentile(99) / 1e6),
        eventLoopDelayMaxMs: ms(delay.max / 1e6),
        gcPauses: gc.length,
        gcMaxMs: ms(Math.max(0, ...durations)),
        gcMajorMaxMs: ms(majorMax),
        gcTotalMs: ms(durations.reduce((n, d) => n + d, 0)),
      };
    },
  };
}

/** Records the wire time (sending to response headers) of the audit's writes (`db.raw`'s requests). */
export function auditWire(db: Db): Span[] {
  const spans: Span[] = [];
  recordRawWireTime(db, spans);
  return spans;
}

/** Where the time of `decision` went, from the calls, audit wire spans and GC pauses recorded meanwhile. */
export function breakDown(decision: Timed, calls: readonly Call[], wire: readonly Span[], gc: readonly Span[]): SlowDecision {
  const { start, end } = decision;
  const audit = calls.find((c) => c.name.startsWith('auditBatcher.') && c.start >= start && c.start <= end);
  const auditStart = audit?.start ?? end;
  const refresh = calls.filter((c) => REFRESH_CALLS.has(c.name)).map((c): Span => [c.start, c.end]);
  const refreshReadMs = coveredOutside(refresh, gc, start, auditStart);
  const auditMs = end - auditStart;
  const auditWireMs = coveredOutside(wire, gc, auditStart, end);
  return {
    totalMs: ms(end - start),
    auditMs: ms(auditMs),
    auditWireMs: ms(auditWireMs),
    refreshReadMs: ms(refreshReadMs),
    inProcessMs: ms(end - start - auditWireMs - refreshReadMs),
    gcMs: ms(covered(gc, start, end)),
    cpuMs: ms(decision.cpuMs),
    storeMs: ms(auditWireMs + refreshReadMs),
  };
}

/** The p50, p99 and max of `values`. */
export function quantiles(values: readonly number[]): { p50Ms: number; p99Ms: number; maxMs: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => ms(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
  return { p50Ms: at(0.5), p99Ms: at(0.99), maxMs: ms(sorted.at(-1) ?? 0) };
}
