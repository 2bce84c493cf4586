import { randomInt } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import ipaddr from 'ipaddr.js';
import { PostgresConnection, type State } from 'pg-gateway';
import type { DecidingServices } from '#shared/services.ts';
import type { Backend } from './backend/backend.ts';
import { ConnectionRefusedError } from './errors.ts';
import { loadParser } from './sql/parse.ts';
import { answerFields } from './sqlstate.ts';
import { Connection, type EngineContext } from './session/connection.ts';
import { ExtendedProtocol } from './session/extended.ts';
import { ConnectionIdentity } from './session/identity.ts';
import { login } from './session/login.ts';
import { simpleQuery } from './session/simple.ts';
import { backend as be, FE, MessageSplitter, readQuery } from './wire/messages.ts';

/** How the engine is started. */
export interface QueryEngineOptions {
  readonly services: DecidingServices;
  readonly backend: Backend;
  readonly host: string;
  readonly port: number;
  readonly passThroughSchemas?: readonly string[];
  /** PEM files: clients that ask for TLS get it; without them, TLS requests are declined. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  /** How long a client has from connecting to being logged in (PostgreSQL's `authentication_timeout`). @default 60000 */
  readonly authenticationTimeoutMs?: number;
}

/** A running engine. */
export interface QueryEngine {
  readonly port: number;
  /** Open client connections. */
  readonly connections: number;
  close(): Promise<void>;
}

const CANCEL_CODE = 80877102;
/** `p`: the PasswordMessage answering AuthenticationCleartextPassword. */
const PASSWORD_MESSAGE = 0x70;
/** Messages read ahead of the one being handled before the socket is paused. */
const MAX_BACKLOG = 1024;
const AUTHENTICATION_TIMEOUT_MS = 60_000;

/** A client on this host: 127.0.0.0/8 or ::1, in any spelling Node gives (IPv4-mapped included). */
const isLoopback = (address: string | undefined) => !!address && ipaddr.isValid(address) && ipaddr.process(address).range() === 'loopback';

/** One client socket: pg-gateway runs TLS negotiation and the startup; the engine answers the rest. */
class ClientSession {
  private conn: Connection | undefined;
  private extended: ExtendedProtocol | undefined;
  private authenticating = false;
  private readonly loginDeadline: NodeJS.Timeout;
  readonly pid = randomInt(1, 2 ** 31 - 1);
  readonly secret = randomInt(1, 2 ** 31 - 1);
  readonly gateway: PostgresConnection;

  constructor(
    private readonly engine: EngineContext & { readonly services: DecidingServices },
    private readonly socket: Socket,
    private readonly registry: Map<string, ClientSession>,
    tls: { key: Buffer; cert: Buffer } | undefined,
    authenticationTimeoutMs: number,
  ) {
    // A client that never finishes logging in would hold its socket (and a TLS handshake's memory) for good.
    this.loginDeadline = setTimeout(() => this.fatal(new ConnectionRefusedError('canceling authentication due to timeout', '57014')), authenticationTimeoutMs);
    this.gateway = new PostgresConnection(socket, {
      authMode: 'cleartextPassword',
      ...(tls ? { tls } : {}),
      onStartup: (state) => this.startup(state),
      onMessage: (data, state) => this.message(Buffer.from(data), state),
    });
    socket.on('close', () => {
      clearTimeout(this.loginDeadline);
      void this.closed();
    });
    socket.on('error', () => undefined);
  }

  private write = (bytes: Buffer) => {
    if (!this.gateway.socket.destroyed) this.gateway.socket.write(bytes);
  };

  private fatal = (err: unknown) => {
    this.write(be.error(answerFields(err, this.engine.log, 'FATAL')));
    this.gateway.socket.end();
  };

  private startup(state: State): boolean {
    // A password (an API key) never crosses a network in the clear: only loopback may skip TLS.
    if (!this.gateway.secureSocket && !isLoopback(this.socket.remoteAddress)) {
      this.fatal(new ConnectionRefusedError('a password is never accepted over a plaintext connection: connect with `sslmode=require`'));
      return true;
    }
    const database = state.clientInfo?.parameters.database;
    if (database && database !== this.engine.backend.database && database !== state.clientInfo?.parameters.user) {
      this.fatal(new ConnectionRefusedError(`database "${database}" does not exist`, '3D000'));
      return true;
    }
    this.authenticating = true;
    this.write(be.authenticationCleartextPassword());
    return true;
  }

  private async message(msg: Buffer, state: State): Promise<boolean> {
    try {
      if (!state.hasStarted) return this.beforeStartup(msg);
      if (this.authenticating) await this.authenticate(msg, state);
    } catch (err) {
      this.fatal(err);
    }
    return true;
  }

  /**
   * After login the engine reads the socket itself: pg-gateway 0.2.4 frames only the first
   * message of a chunk correctly once started, and clients pipeline the extended protocol.
   * Messages are handled one at a time, in order; a long backlog pauses the socket.
   */
  private readMessages(socket: Socket): void {
    const splitter = new MessageSplitter();
    const backlog: Buffer[] = [];
    let running = false;
    const pump = async () => {
      if (running) return;
      running = true;
      for (let msg = backlog.shift(); msg; msg = backlog.shift()) {
        try {
          await this.query(msg);
        } catch (err) {
          this.fatal(err);
        }
      }
      running = false;
      socket.resume();
    };
    socket.on('data', (chunk: Buffer) => {
      try {
        backlog.push(...splitter.push(chunk));
      } catch (err) {
        return this.fatal(new ConnectionRefusedError((err as Error).message, '08P01'));
      }
      if (backlog.length > MAX_BACKLOG) socket.pause();
      void pump();
    });
  }

  /** A cancel request arrives alone on a new connection, before any startup. */
  private beforeStartup(msg: Buffer): boolean {
    if (msg.length !== 16 || msg.readInt32BE(4) !== CANCEL_CODE) return false;
    const target = this.registry.get(`${msg.readInt32BE(8)}:${msg.readInt32BE(12)}`);
    void target?.conn?.server.cancel();
    this.socket.end();
    return true;
  }

  private async authenticate(msg: Buffer, state: State): Promise<void> {
    if (msg[0] !== PASSWORD_MESSAGE) throw new ConnectionRefusedError('expected a password message', '08P01');
    this.authenticating = false;
    const user = state.clientInfo?.parameters.user ?? '';
    const caller = await login(this.engine.services, user, msg.toString('utf8', 5, msg.indexOf(0, 5)), this.socket.remoteAddress ?? '');
    const server = await this.engine.backend.connect(state.clientInfo?.parameters.application_name);
    if (this.socket.destroyed) return server.close();
    const identity = new ConnectionIdentity(this.engine.services, caller);
    this.conn = new Connection(this.engine, identity, server, this.write, this.fatal, { connectionId: identity.sessionId, client: this.socket.remoteAddress ?? '' });
    this.extended = new ExtendedProtocol(this.conn);
    server.onClose(() => this.gateway.socket.end());
    this.registry.set(`${this.pid}:${this.secret}`, this);
    clearTimeout(this.loginDeadline);
    this.readMessages(this.gateway.detach());
    this.write(be.authenticationOk());
    for (const [name, value] of server.parameters) this.write(be.parameterStatus(name, value));
    this.write(be.parameterStatus('session_authorization', user));
    this.write(be.backendKeyData(this.pid, this.secret));
    this.write(be.readyForQuery('I'));
  }

  private async query(msg: Buffer): Promise<void> {
    const conn = this.conn!;
    const type = msg[0];
    if (type === FE.Query) return simpleQuery(conn, readQuery(msg));
    if (await this.extended!.handle(msg)) return;
    if (type === FE.Terminate) return void this.gateway.socket.end();
    if (type === FE.FunctionCall) {
      return conn.pipeline.local([be.error({ severity: 'ERROR', code: '42501', message: 'the function call protocol is not allowed through the query engine' }), be.readyForQuery(conn.pipeline.status)]);
    }
    throw new ConnectionRefusedError(`unexpected message type \`${String.fromCharCode(type ?? 0)}\``, '08P01');
  }

  private async closed(): Promise<void> {
    this.registry.delete(`${this.pid}:${this.secret}`);
    const conn = this.conn;
    this.conn = undefined;
    if (!conn) return;
    conn.server.close();
    await conn.identity.close().catch((err: unknown) => this.engine.log.warn('ending an impersonation failed', { error: String(err) }));
  }
}

/** Starts the query engine: a PostgreSQL server in front of `backend` that enforces Warden's policies. */
export async function startQueryEngine(options: QueryEngineOptions): Promise<QueryEngine> {
  await loadParser();
  const tls = options.tls ? { cert: await readFile(options.tls.certFile), key: await readFile(options.tls.keyFile) } : undefined;
  const engine = { services: options.services, decisions: options.services.decisions, backend: options.backend, passThrough: new Set(options.passThroughSchemas ?? []), log: options.services.log };
  const registry = new Map<string, ClientSession>();
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    // Answers are many small messages: Nagle's algorithm would hold each one for the client's delayed ACK.
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    new ClientSession(engine, socket, registry, tls, options.authenticationTimeoutMs ?? AUTHENTICATION_TIMEOUT_MS);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    get connections() {
      return registry.size;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
