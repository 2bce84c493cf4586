import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the fake source answers: a status, a raw body, and a delay before answering. */
export interface Answer {
  status?: number;
  body?: unknown;
  /** Sent as is instead of `body` (malformed answers). */
  raw?: string;
  delayMs?: number;
}

/** A real HTTP server on loopback standing in for an external source of truth. */
export interface SourceServer {
  readonly url: string;
  /** What to answer, per userid; unknown users get a 404. */
  readonly answers: Map<string, Answer>;
  readonly requests: Array<{ url: string; headers: IncomingHttpHeaders }>;
  close(): Promise<void>;
}

/** Starts the fake source on an ephemeral loopback port. */
export async function startSourceServer(): Promise<SourceServer> {
  const answers = new Map<string, Answer>();
  const requests: SourceServer['requests'] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    const userid = new URL(req.url ?? '/', 'http://x').searchParams.get('userid') ?? '';
    const answer = answers.get(userid) ?? { status: 404, raw: 'not found' };
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
    answers,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
