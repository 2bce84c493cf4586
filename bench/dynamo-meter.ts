import type { HttpHandlerOptions, HttpRequest, HttpResponse, RequestHandler } from '@smithy/types';
import type { Db } from '#shared/store/client.ts';

/** What one client read from DynamoDB since the meter was last reset. */
export interface ReadCount {
  readonly requests: number;
  readonly items: number;
  readonly capacityUnits: number;
}

/** Counts of a client's reads and the times its requests spent on the wire. */
export interface DynamoMeter {
  /** Reads (GetItem, BatchGetItem, Query, Scan, TransactGetItems) since the last reset. */
  reads(): ReadCount;
  /** Milliseconds within [from, to] during which at least one request of this client awaited its response. */
  wireMs(from: number, to: number): number;
  reset(): void;
}

const READS = new Set(['GetItemCommand', 'BatchGetItemCommand', 'QueryCommand', 'ScanCommand', 'TransactGetItemsCommand']);

type Capacity = { readonly CapacityUnits?: number };
type ReadOutput = {
  readonly Item?: unknown;
  readonly Items?: readonly unknown[];
  readonly Responses?: Record<string, readonly unknown[]> | readonly { readonly Item?: unknown }[];
  readonly ConsumedCapacity?: Capacity | readonly Capacity[];
};

function itemsOf(output: ReadOutput): number {
  const responses = output.Responses;
  const batched = !responses ? 0 : Array.isArray(responses) ? responses.filter((r) => r.Item).length : Object.values(responses).reduce((n, list) => n + list.length, 0);
  return (output.Item ? 1 : 0) + (output.Items?.length ?? 0) + batched;
}

function unitsOf(consumed: ReadOutput['ConsumedCapacity']): number {
  const list: readonly Capacity[] = !consumed ? [] : Array.isArray(consumed) ? consumed : [consumed as Capacity];
  return list.reduce((n, c) => n + (c.CapacityUnits ?? 0), 0);
}

/** A span of time, in `performance.now()` milliseconds. */
export type Span = readonly [number, number];

/** Milliseconds of [from, to] covered by at least one of `spans`. */
export function covered(spans: readonly Span[], from: number, to: number): number {
  const clipped = spans.map(([a, b]): Span => [Math.max(a, from), Math.min(b, to)]).filter(([a, b]) => b > a);
  clipped.sort((x, y) => x[0] - y[0]);
  let total = 0;
  let end = -Infinity;
  for (const [a, b] of clipped) {
    if (b <= end) continue;
    total += b - Math.max(a, end);
    end = b;
  }
  return total;
}

/**
 * Records in `spans` the time between sending and the response's headers of every request
 * `db.doc` sends: innermost, `next` is the HTTP request itself, before the response body is parsed.
 */
function recordWireTime(db: Db, spans: Span[]): void {
  db.doc.middlewareStack.add(
    (next) => async (args) => {
      const started = performance.now();
      try {
        return await next(args);
      } finally {
        spans.push([started, performance.now()]);
      }
    },
    { step: 'deserialize', name: 'benchWireTime', priority: 'low' },
  );
}

/**
 * Records in `spans` the time between sending and the response's headers of every request of
 * `db.raw` (the audit's group commits), around its HTTP handler: the raw client resolves its
 * middleware once, so a middleware added to it after its first call would never run.
 */
export function recordRawWireTime(db: Db, spans: Span[]): void {
  const handler = db.raw.config.requestHandler as RequestHandler<HttpRequest, HttpResponse, HttpHandlerOptions>;
  const send = handler.handle.bind(handler);
  handler.handle = async (request, options) => {
    const started = performance.now();
    try {
      return await send(request, options);
    } finally {
      spans.push([started, performance.now()]);
    }
  };
}

/**
 * Meters a client through its middleware stack: every read asks for `ReturnConsumedCapacity`
 * and is counted with the items it returned; every request's time between sending and its
 * response's headers is kept, so a load can be split into waiting on DynamoDB and decoding.
 */
export function meter(db: Db): DynamoMeter {
  let count = { requests: 0, items: 0, capacityUnits: 0 };
  const spans: Span[] = [];
  db.doc.middlewareStack.add(
    (next, context) => async (args) => {
      if (!READS.has(context.commandName ?? '')) return next(args);
      const out = await next({ ...args, input: { ...(args.input as object), ReturnConsumedCapacity: 'TOTAL' } });
      const output = out.output as ReadOutput;
      count = { requests: count.requests + 1, items: count.items + itemsOf(output), capacityUnits: count.capacityUnits + unitsOf(output.ConsumedCapacity) };
      return out;
    },
    { step: 'initialize', name: 'benchReadMeter', priority: 'high' },
  );
  recordWireTime(db, spans);
  return {
    reads: () => ({ ...count, capacityUnits: Math.round(count.capacityUnits * 10) / 10 }),
    wireMs: (from, to) => covered(spans, from, to),
    reset() {
      count = { requests: 0, items: 0, capacityUnits: 0 };
      spans.length = 0;
    },
  };
}
