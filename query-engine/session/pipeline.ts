import { BE, MessageSplitter, readyStatus } from '../wire/messages.ts';

/** A promise whose outcome can be read synchronously: the audit write a query's rows wait for. */
export class Gate {
  done = false;
  failure: unknown;
  readonly promise: Promise<void>;
  constructor(work: Promise<unknown>) {
    this.promise = work.then(
      () => void (this.done = true),
      (err: unknown) => {
        this.done = true;
        this.failure = err ?? new Error('gate failed');
      },
    );
  }
}

/** What a frontend message sent to the backend is answered with, as the pipeline tracks it. */
export type Op = 'parse' | 'bind' | 'close' | 'describe-statement' | 'describe-portal' | 'execute' | 'sync' | 'query';

/** One expected answer, in the order the backend gives them. */
export interface Expected {
  readonly op: Op;
  /** Sent by the engine itself (a re-Parse after a decision changed): the client never sees its answer, only its error. */
  readonly hidden?: boolean;
  /** Everything but the closing ReadyForQuery reaches the client: a Query that is one of several answering one text. */
  readonly quiet?: boolean;
  /** The answer waits for this gate (the query's audit record) before the client sees it. */
  readonly gate?: Gate;
  /** A hidden operation's messages, for the engine to read (the search path it asked for). */
  capture?(msg: Buffer): void;
  /** Called once the answer is complete; `failed` when the backend reported an error. */
  done?(failed: boolean): void;
}

/** Local answers sit in the queue too, so they reach the client in protocol order. */
type Entry = { readonly kind: 'backend'; readonly expected: Expected; failed: boolean } | { readonly kind: 'local'; readonly messages: readonly Buffer[] };

/** The message types that complete each operation's answer. */
const LAST: Readonly<Record<Op, ReadonlySet<number>>> = {
  parse: new Set([BE.ParseComplete]),
  bind: new Set([BE.BindComplete]),
  close: new Set([BE.CloseComplete]),
  'describe-statement': new Set([BE.RowDescription, BE.NoData]),
  'describe-portal': new Set([BE.RowDescription, BE.NoData]),
  execute: new Set([BE.CommandComplete, BE.EmptyQuery, BE.PortalSuspended]),
  sync: new Set([BE.ReadyForQuery]),
  query: new Set([BE.ReadyForQuery]),
};

/** Messages the backend may send at any time, outside any answer. */
const ASYNC = new Set<number>([BE.NoticeResponse, BE.ParameterStatus, BE.NotificationResponse]);

/**
 * The answers the backend owes, in order, and the client's output: each backend message is
 * matched to the operation it answers, hidden when the engine asked for it, held while that
 * operation's gate (its audit write) is pending, and written in the order the client expects.
 * After an error in the extended protocol the backend skips to the next Sync; so does this queue.
 */
export class Pipeline {
  private readonly queue: Entry[] = [];
  private readonly out: Array<{ readonly bytes: Buffer; readonly gate?: Gate }> = [];
  private readonly splitter = new MessageSplitter();
  private waiting = false;
  /** The transaction status of the last ReadyForQuery (`I`, `T` or `E`). */
  status = 'I';

  constructor(
    private readonly write: (bytes: Buffer) => void,
    private readonly fail: (err: unknown) => void,
  ) {}

  /** The backend owes an answer to a message just sent. */
  expect(expected: Expected): void {
    this.queue.push({ kind: 'backend', expected, failed: false });
  }

  /** The engine answers a message itself, after every answer owed before it. */
  local(messages: readonly Buffer[]): void {
    this.queue.push({ kind: 'local', messages });
    this.flushLocal();
  }

  /** True when no answer is owed. */
  get idle(): boolean {
    return this.queue.length === 0;
  }

  /** Bytes from the backend. */
  receive(chunk: Buffer): void {
    for (const msg of this.splitter.push(chunk)) this.message(msg);
  }

  private message(msg: Buffer): void {
    const type = msg[0]!;
    const head = this.queue[0];
    if (!head || head.kind !== 'backend' || (ASYNC.has(type) && type !== BE.NoticeResponse)) return this.emit(msg);
    const { expected } = head;
    if (type === BE.ReadyForQuery) this.status = readyStatus(msg);
    if (type === BE.ErrorResponse) {
      head.failed = true;
      this.emit(msg, expected.gate);
      if (expected.op === 'query') return;
      // The backend now ignores everything up to the next Sync: so do the answers owed.
      while (this.queue[0] && !(this.queue[0].kind === 'backend' && this.queue[0].expected.op === 'sync')) {
        const skipped = this.queue.shift()!;
        if (skipped.kind === 'backend') skipped.expected.done?.(true);
      }
      return this.flushLocal();
    }
    if (expected.hidden) expected.capture?.(msg);
    else if (!(expected.quiet && type === BE.ReadyForQuery)) this.emit(msg, expected.gate);
    if (LAST[expected.op].has(type)) {
      this.queue.shift();
      expected.done?.(head.failed);
      this.flushLocal();
    }
  }

  private flushLocal(): void {
    for (let head = this.queue[0]; head?.kind === 'local'; head = this.queue[0]) {
      this.queue.shift();
      for (const m of head.messages) this.emit(m);
    }
  }

  private emit(bytes: Buffer, gate?: Gate): void {
    this.out.push(gate ? { bytes, gate } : { bytes });
    this.drain();
  }

  /** Writes what may be written: everything up to the first message whose gate is still pending. */
  private drain(): void {
    if (this.waiting) return;
    while (this.out.length) {
      const next = this.out[0]!;
      if (next.gate && !next.gate.done) {
        this.waiting = true;
        void next.gate.promise.then(() => {
          this.waiting = false;
          this.drain();
        });
        return;
      }
      if (next.gate?.failure !== undefined) {
        this.out.length = 0;
        return this.fail(next.gate.failure);
      }
      this.out.shift();
      this.write(next.bytes);
    }
  }
}
