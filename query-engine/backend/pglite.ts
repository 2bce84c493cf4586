import { PGlite } from '@electric-sql/pglite';
import { BE, FE, frontend, MessageSplitter, readParse, readTarget, readyStatus } from '../wire/messages.ts';
import { BackendCatalog, CATALOG_SQL, type Backend, type BackendConnection } from './backend.ts';
import { demoDatabaseSql } from './demo-database.ts';

/** The parameters a PostgreSQL server reports at startup that clients read. */
const REPORTED = ['server_version', 'server_encoding', 'client_encoding', 'DateStyle', 'IntervalStyle', 'TimeZone', 'integer_datetimes', 'standard_conforming_strings'];

/**
 * Which connection holds the one PGlite session: a connection in a transaction keeps it until
 * the transaction ends, so two clients' transactions never interleave on the single session.
 */
class SessionLock {
  private holder: object | undefined;
  private readonly waiting: Array<() => void> = [];

  async acquire(owner: object): Promise<void> {
    while (this.holder !== undefined && this.holder !== owner) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.holder = owner;
  }

  release(owner: object): void {
    if (this.holder !== owner) return;
    this.holder = undefined;
    this.waiting.splice(0).forEach((wake) => wake());
  }
}

/** Messages after which PGlite is asked to answer: the client waits for a reply there. */
const ANSWERED = new Set<number>([FE.Query, FE.Sync, FE.Flush]);

function connectionTo(db: PGlite, lock: SessionLock, parameters: ReadonlyMap<string, string>): BackendConnection {
  const owner = {};
  const splitter = new MessageSplitter();
  let pending: Buffer[] = [];
  let listener: (chunk: Buffer) => void = () => undefined;
  const closeListeners: Array<(err?: Error) => void> = [];
  // The named statements this connection holds on the shared session, closed with it so none outlives it there.
  const statements = new Set<string>();
  const track = (msg: Buffer) => {
    if (msg[0] === FE.Parse) {
      const { name } = readParse(msg);
      if (name) statements.add(name);
    } else if (msg[0] === FE.Close) {
      const { kind, name } = readTarget(msg);
      if (kind === 'S') statements.delete(name);
    }
  };
  let chain = Promise.resolve();
  let closed = false;
  const run = (batch: Buffer) => {
    chain = chain.then(async () => {
      if (closed) return;
      await lock.acquire(owner);
      const out = Buffer.from(await db.execProtocolRaw(batch, { syncToFs: false }));
      const last = new MessageSplitter().push(out).filter((m) => m[0] === BE.ReadyForQuery).pop();
      if (!last || readyStatus(last) === 'I') lock.release(owner);
      if (!closed) listener(out);
    });
    chain = chain.catch((err: Error) => {
      lock.release(owner);
      closed = true;
      closeListeners.forEach((l) => l(err));
    });
  };
  return {
    parameters,
    send(bytes) {
      for (const msg of splitter.push(bytes)) {
        track(msg);
        pending.push(msg);
        if (ANSWERED.has(msg[0]!)) {
          const batch = Buffer.concat(pending);
          pending = [];
          run(batch);
        }
      }
    },
    onData: (l) => void (listener = l),
    onClose: (l) => void closeListeners.push(l),
    // One embedded session has no second connection to cancel from.
    cancel: async () => undefined,
    close() {
      if (closed) return;
      // A transaction left open would keep the session from everyone else.
      run(Buffer.concat([frontend.query('ROLLBACK'), ...[...statements].map((name) => frontend.close('S', name)), frontend.sync()]));
      chain = chain.then(() => {
        closed = true;
        lock.release(owner);
        closeListeners.forEach((l) => l());
      });
    },
  };
}

/**
 * The embedded backend (PGlite, PostgreSQL in WASM) with the demo database: what `npm start`
 * and the tests run without a server. One PostgreSQL session serves every connection, so
 * session settings (`search_path`) are shared; transactions take turns on it.
 */
export async function pgliteBackend(options: { readonly seed?: string; readonly database?: string } = {}): Promise<Backend> {
  const db = await PGlite.create();
  await db.exec(options.seed ?? demoDatabaseSql());
  await db.exec('SET default_transaction_read_only = on');
  const parameters = new Map<string, string>();
  for (const name of REPORTED) {
    const row = (await db.query<{ v: string }>(`SELECT pg_catalog.current_setting('${name}') AS v`)).rows[0];
    if (row) parameters.set(name, row.v);
  }
  const list = async (sql: string) => (await db.query<[string, string]>(sql, [], { rowMode: 'array' })).rows.map(([s, n]) => [s, n] as const);
  const catalog = new BackendCatalog(async () => ({ relations: await list(CATALOG_SQL.relations), functions: await list(CATALOG_SQL.functions) }), false);
  await catalog.start();
  const who = (await db.query<{ user: string }>('SELECT current_user AS user')).rows[0]!;
  const lock = new SessionLock();
  return {
    // The one embedded database stands for the database the demo catalog registers its postgres sources in.
    database: options.database ?? 'warden',
    user: who.user,
    catalog,
    connect: async () => connectionTo(db, lock, parameters),
    close: () => db.close(),
  };
}
