import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Caller } from '#shared/auth/caller.ts';
import { UnknownDataSourceError } from '#shared/decision-service/errors.ts';
import type { DecisionService } from '#shared/decision-service/service.ts';
import type { UserRef } from '#shared/model/identity.ts';
import type { Services } from '#shared/services.ts';
import type { DynamoMeter, ReadCount } from './dynamo-meter.ts';
import { breakDown, quantiles, watchPauses, type Call, type Pauses, type SlowDecision, type Timed } from './scale-breakdown.ts';
import type { WriterOrders, WriterReport } from './scale-writer.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const CALLER: Caller = { principal: { type: 'service', id: 'bench' }, permissions: new Set(), via: 'api-key', keyId: 'bench' };
/** Who every benchmark decision is asked by, for the audit trail. */
export const BENCH_CONTEXT = { caller: CALLER };
const POLL_MS = 5;
const ROOT = fileURLToPath(new URL('..', import.meta.url));

const ms = (n: number): number => Math.round(n * 10) / 10;
const sleep = (n: number) => new Promise((resolve) => setTimeout(resolve, n));

/** Heap in use after two full collections, in MiB. */
export function heapMb(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

const NOT_REPOSITORIES = new Set(['db', 'config', 'log', 'metrics', 'now']);

/**
 * `services` with every method call that returns a promise recorded in `calls`: a decision
 * service built on it shows when its reads ended and its audit write began, whatever
 * repositories it reads, without a hook in its code.
 */
export function instrument(services: Services, calls: Call[]): Services {
  const entries = Object.entries(services).map(([name, value]: [string, unknown]) => {
    if (NOT_REPOSITORIES.has(name) || typeof value !== 'object' || value === null) return [name, value];
    const proxy = new Proxy(value, {
      get(target, prop) {
        const member: unknown = Reflect.get(target, prop, target);
        if (typeof member !== 'function') return member;
        return (...args: unknown[]) => {
          const start = performance.now();
          const out: unknown = member.apply(target, args);
          if (!(out instanceof Promise)) return out;
          return out.finally(() => calls.push({ name: `${name}.${String(prop)}`, start, end: performance.now() }));
        };
      },
    });
    return [name, proxy];
  });
  return Object.fromEntries(entries) as Services;
}

/** The first decision of a fresh instance and its parts. */
export interface ColdDecision {
  readonly totalMs: number;
  /** Waiting on DynamoDB (any request in flight) until the last read returned. */
  readonly readMs: number;
  /** The rest of the time until the last read returned: parsing, unmarshalling, mapping items. */
  readonly decodeMs: number;
  /** From the last read to the audit write: compiling the snapshot, then the decision itself. */
  readonly compileMs: number;
  readonly auditMs: number;
  /** CPU time (user + system) of this process during the decision: the client's share of a load. */
  readonly clientCpuMs: number;
  readonly reads: ReadCount;
}

/** Times the first decision of `service`, built on `instrument(…, calls)` over a client metered by `meter`. */
export async function coldDecision(service: DecisionService, calls: readonly Call[], meter: DynamoMeter, user: UserRef, sourceId: string): Promise<ColdDecision> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await service.decide(BENCH_CONTEXT, user, sourceId, 'postgres');
  const ended = performance.now();
  const used = process.cpuUsage(cpu);
  const auditStart = Math.min(ended, ...calls.filter((c) => c.name.startsWith('auditBatcher.')).map((c) => c.start));
  const readEnd = Math.max(started, ...calls.filter((c) => !c.name.startsWith('auditBatcher.') && c.end <= auditStart).map((c) => c.end));
  const readMs = meter.wireMs(started, readEnd);
  return {
    totalMs: ms(ended - started),
    readMs: ms(readMs),
    decodeMs: ms(readEnd - started - readMs),
    compileMs: ms(auditStart - readEnd),
    auditMs: ms(ended - auditStart),
    clientCpuMs: ms((used.user + used.system) / 1000),
    reads: meter.reads(),
  };
}

/** The policy keys of the decision of `sourceId` (unaudited, as the query engine decides); undefined while the source is unknown. */
export async function verdictKeys(service: DecisionService, user: UserRef, sourceId: string): Promise<string[] | undefined> {
  try {
    const { sources } = await service.decideQuery(BENCH_CONTEXT, user, [sourceId], 'postgres');
    return sources[0]!.decision.subscription.map((v) => v.policyKey);
  } catch (err) {
    if (err instanceof UnknownDataSourceError) return undefined;
    throw err;
  }
}

/** What one change cost a warm instance, and how long until its decisions showed it. */
export interface ChangeCost {
  /** From the write's acknowledgement to the first decision that showed it (null: not within the timeout). */
  readonly reflectedMs: number | null;
  /** How long that first decision took (a decision that waited for the reload takes long). */
  readonly reflectingDecisionMs: number | null;
  readonly reads: ReadCount;
}

/** Writes one change, then decides on the warm instance every few ms until `reflects` holds. */
export async function changeCost(meter: DynamoMeter, write: () => Promise<unknown>, reflects: () => Promise<boolean>, timeoutMs: number): Promise<ChangeCost> {
  meter.reset();
  await write();
  const acked = performance.now();
  while (performance.now() - acked < timeoutMs) {
    const asked = performance.now();
    if (await reflects()) {
      const now = performance.now();
      return { reflectedMs: ms(now - acked), reflectingDecisionMs: ms(now - asked), reads: meter.reads() };
    }
    await sleep(POLL_MS);
  }
  return { reflectedMs: null, reflectingDecisionMs: null, reads: meter.reads() };
}

/** Audited decisions, one after another, while another process writes changes at a steady rate. */
export interface UnderChanges {
  readonly changes: number;
  readonly changesPerSec: number;
  readonly decisions: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** The audit BatchWriteItem of each of those decisions, on the wire: DynamoDB Local's latency under the writer. */
  readonly auditWrite: { readonly p50Ms: number; readonly p99Ms: number; readonly maxMs: number };
  /** The slowest decision, broken down (`storeMs`: the part of the max that is the store's). */
  readonly max: SlowDecision;
  /** The slowest 1% of the decisions (at least one), each part summed over them. */
  readonly slowest: SlowDecision & { readonly decisions: number };
  readonly pauses: Pauses;
}

/** What the decisions under changes are broken down with: the instance's calls (`instrument`) and its audit writes' wire spans (`auditWire`). */
export interface Probe {
  readonly calls: Call[];
  readonly wire: (readonly [number, number])[];
}

/** A running change writer (`scale-writer.ts`): connected, then done with what it wrote. */
export interface Writer {
  readonly ready: Promise<void>;
  readonly done: Promise<WriterReport>;
}

/** Starts `scale-writer.ts` in a process of its own with `orders`. */
export function startWriter(orders: WriterOrders): Writer {
  const script = fileURLToPath(new URL('./scale-writer.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, env: { ...process.env, SCALE_WRITER: JSON.stringify(orders) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let connected = () => {};
  const ready = new Promise<void>((resolve) => (connected = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.startsWith('ready\n')) connected();
  });
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const done = new Promise<WriterReport>((resolve, reject) =>
    child.on('exit', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code === 0 && last.startsWith('{')) resolve(JSON.parse(last) as WriterReport);
      else reject(new Error(`the change writer exited with code ${code}: ${err.trim().split('\n').slice(-3).join(' ')}`));
    }),
  );
  return { ready: Promise.race([ready, done.then(() => undefined)]), done };
}

/** Decides on `service`, one decision after another, from the moment `writer` is connected until it is done. */
export async function decisionsUnderChanges(service: DecisionService, user: UserRef, sourceId: () => string, writer: Writer, probe: Probe): Promise<UnderChanges> {
  await writer.ready;
  let writing = true;
  const done = writer.done.finally(() => {
    writing = false;
  });
  probe.calls.length = 0;
  probe.wire.length = 0;
  const watch = watchPauses();
  const timed: Timed[] = [];
  while (writing) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    await service.decide(BENCH_CONTEXT, user, sourceId(), 'postgres');
    const end = performance.now();
    const used = process.cpuUsage(cpu);
    timed.push({ start, end, cpuMs: (used.user + used.system) / 1000 });
  }
  const pauses = watch.stop();
  const { changes, seconds } = await done;
  const parts = timed.map((t) => breakDown(t, probe.calls, probe.wire, watch.gc)).sort((a, b) => b.totalMs - a.totalMs);
  const slow = parts.slice(0, Math.max(1, Math.floor(parts.length / 100)));
  const sum = (key: keyof SlowDecision) => ms(slow.reduce((n, p) => n + p[key], 0));
  const slowest = { decisions: slow.length, totalMs: sum('totalMs'), auditMs: sum('auditMs'), auditWireMs: sum('auditWireMs'), refreshReadMs: sum('refreshReadMs'), inProcessMs: sum('inProcessMs'), gcMs: sum('gcMs'), cpuMs: sum('cpuMs'), storeMs: sum('storeMs') };
  return {
    changes,
    changesPerSec: ms(changes / seconds),
    decisions: timed.length,
    ...quantiles(parts.map((p) => p.totalMs)),
    auditWrite: quantiles(parts.map((p) => p.auditWireMs)),
    max: parts[0]!,
    slowest,
    pauses,
  };
}
