import { connect as connectTcp } from 'node:net';
import pg from 'pg';
import { serialize } from 'pg-protocol';
import { BackendCatalog, CATALOG_SQL, type Backend, type BackendConnection } from './backend.ts';

/**
 * Every backend session is read-only at the database too (defence in depth: the engine already
 * refuses writes) and speaks UTF-8, the only encoding the engine reads and writes.
 */
const SESSION_OPTIONS = '-c default_transaction_read_only=on -c client_encoding=UTF8';

/**
 * Opens a session with node-postgres, which does the startup, TLS and authentication (SCRAM,
 * MD5, password) as for any client, then takes over its socket: from the first ReadyForQuery
 * on, the engine relays raw protocol messages both ways, so extended-protocol statements and
 * binary rows pass through without being decoded and encoded again.
 */
async function openSession(url: string, application: string | undefined): Promise<BackendConnection> {
  const client = new pg.Client({ connectionString: url, application_name: application ?? 'warden-query-engine', options: SESSION_OPTIONS });
  const parameters = new Map<string, string>();
  let key: { processID: number; secretKey: number } | undefined;
  const con = client.connection as pg.Connection & NodeJS.EventEmitter;
  con.on('parameterStatus', (m: { parameterName: string; parameterValue: string }) => parameters.set(m.parameterName, m.parameterValue));
  con.on('backendKeyData', (m: { processID: number; secretKey: number }) => (key = m));
  // The socket is the engine's after the takeover: failures surface as its `close`, not as pg's events.
  client.on('error', () => undefined);
  await client.connect();
  const stream = con.stream;
  stream.removeAllListeners('data');
  const closeListeners: Array<(err?: Error) => void> = [];
  let failure: Error | undefined;
  stream.on('error', (err: Error) => (failure = err));
  stream.on('close', () => closeListeners.forEach((l) => l(failure)));
  return {
    parameters,
    send: (bytes) => void stream.write(bytes),
    onData: (listener) => void stream.on('data', listener),
    onClose: (listener) => void closeListeners.push(listener),
    async cancel() {
      if (!key) return;
      const request = serialize.cancel(key.processID, key.secretKey);
      await new Promise<void>((resolve) => {
        // A cancel request is answered by the server closing the connection, before any authentication.
        const socket = client.host.startsWith('/') ? connectTcp(`${client.host}/.s.PGSQL.${client.port}`) : connectTcp(client.port, client.host);
        socket.on('connect', () => socket.end(request));
        socket.on('close', () => resolve());
        socket.on('error', () => resolve());
      });
    },
    close() {
      if (stream.writable) stream.end(serialize.end());
      stream.destroy();
    },
  };
}

/** A real PostgreSQL (or compatible) server at `url` (`WARDEN_QUERY_BACKEND_URL`). */
export async function postgresBackend(url: string): Promise<Backend> {
  const pool = new pg.Pool({ connectionString: url, max: 1, application_name: 'warden-query-engine-catalog', options: SESSION_OPTIONS });
  pool.on('error', () => undefined);
  const rows = async (text: string) => (await pool.query<[string, string]>({ text, rowMode: 'array' })).rows.map(([s, n]) => [s, n] as const);
  const catalog = new BackendCatalog(async () => {
    const [relations, functions] = await Promise.all([rows(CATALOG_SQL.relations), rows(CATALOG_SQL.functions)]);
    return { relations, functions };
  }, true);
  try {
    const who = await pool.query<{ database: string; user: string }>('SELECT pg_catalog.current_database() AS database, current_user AS user');
    const { database, user } = who.rows[0]!;
    await catalog.start();
    return {
      database,
      user,
      catalog,
      connect: (application) => openSession(url, application),
      async close() {
        catalog.stop();
        await pool.end();
      },
    };
  } catch (err) {
    await pool.end();
    throw err;
  }
}
