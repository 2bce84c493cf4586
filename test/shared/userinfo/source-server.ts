import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the fake source answers: a status, a raw body, and a delay before answering. */
export interface Answer {
  status?: number;
  body?: unknown;
  /** Sent as is instead of `body` (malformed answers). */
  raw?: string;
  delayMs?: number;
  /** Streams a JSON body of this many bytes instead, as fast as the client reads it. */
  streamBytes?: number;
  /** With `streamBytes`: announce the size in `content-length` (else chunked). */
  declareLength?: boolean;
}

/** A real HTTP server on loopback standing in for an external source of truth. */
export interface SourceServer {
  readonly url: string;
  readonly port: number;
  /** What to answer, per userid; unknown users get a 404. */
  readonly answers: Map<string, Answer>;
  readonly requests: Array<{ url: string; headers: IncomingHttpHeaders }>;
  /** Bytes each streamed answer had written when its connection closed. */
  readonly streamed: number[];
  close(): Promise<void>;
}

const CHUNK = Buffer.alloc(64 * 1024, 'x');

/** Writes `total` bytes of `{"groups":[],"authorizations":{"k":["xxx…"]}}`, waiting whenever the client is not reading. */
function stream(res: ServerResponse, total: number, declareLength: boolean, done: (sent: number) => void): void {
  const head = Buffer.from('{"groups":[],"authorizations":{"k":["');
  const tail = Buffer.from('"]}}');
  res.writeHead(200, { 'content-type': 'application/json', ...(declareLength ? { 'content-length': String(total) } : {}) });
  let sent = 0;
  res.on('close', () => done(sent));
  const pump = () => {
    while (!res.destroyed) {
      const chunk = sent === 0 ? head : sent + CHUNK.length + tail.length >= total ? tail : CHUNK;
      sent += chunk.length;
      if (chunk === tail) return void res.end(chunk);
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
  };
  pump();
}

/** Starts the fake source on an ephemeral loopback port. */
export async function startSourceServer(): Promise<SourceServer> {
  const answers = new Map<string, Answer>();
  const requests: SourceServer['requests'] = [];
  const streamed: number[] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    const userid = new URL(req.url ?? '/', 'http://x').searchParams.get('userid') ?? '';
    const answer = answers.get(userid) ?? { status: 404, raw: 'not found' };
    if (answer.streamBytes) return stream(res, answer.streamBytes, answer.declareLength ?? false, (sent) => streamed.push(sent));
    const timer = setTimeout(() => {
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' });
      res.end(answer.raw ?? JSON.stringify(answer.body ?? {}));
    }, answer.delayMs ?? 0);
    res.on('close', () => clearTimeout(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/groups`,
    port,
    answers,
    requests,
    streamed,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
