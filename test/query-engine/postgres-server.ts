import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** Where the PostgreSQL 15 server binaries are: Debian's directory, else PATH (never skipped: missing ones fail). */
function binary(name: string): string {
  for (const dir of ['/usr/lib/postgresql/15/bin', '/usr/local/bin', '/usr/bin']) if (existsSync(join(dir, name))) return join(dir, name);
  throw new Error(`\`${name}\` not found: install postgresql (PostgreSQL 15 server binaries; .ci/run does)`);
}

/** A port nothing listens on now. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** A PostgreSQL server of its own, on 127.0.0.1, for one test file. */
export interface PostgresServer {
  /** The superuser's URL to a database. */
  url(database: string): string;
  stop(): Promise<void>;
}

/**
 * Starts a real PostgreSQL 15 server in a temporary data directory (trust on loopback only).
 * initdb and postgres refuse to run as root: as root, they run as the `postgres` user.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const dir = mkdtempSync(join(tmpdir(), 'warden-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const as = (cmd: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', cmd, ...args]) : run(cmd, args));
  const port = await freePort();
  await as(binary('initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  await as(binary('pg_ctl'), ['-D', data, '-l', join(dir, 'log'), '-w', '-o', `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir} -c fsync=off`, 'start']);
  return {
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async stop() {
      await as(binary('pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs SQL as the superuser on a database. */
export async function adminSql(server: PostgresServer, database: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: server.url(database) });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}
