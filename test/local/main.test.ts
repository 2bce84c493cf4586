/*
 * `npm start` prints `curl` commands to try. They are run here as printed, through a shell,
 * against the server that printed them: each must answer with something real.
 */
import { spawn, execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Starts `local/main.ts` as `npm start` does (its own DynamoDB Local, any free port) and returns the `curl` lines it prints. */
async function printedCommands(args: readonly string[]): Promise<{ commands: string[]; psql: string | undefined; stop: () => Promise<void> }> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', WARDEN_QUERY_ENGINE_PORT: '0', LOG_LEVEL: 'silent' };
  for (const name of ['DYNAMODB_ENDPOINT', 'WARDEN_ADMIN_API_KEY', 'WARDEN_SCIM_TOKEN', 'WARDEN_QUERY_BACKEND_URL']) delete env[name];
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
  };
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (/^ready on /m.test(out)) resolve();
      });
      void exited.then(() => reject(new Error(`npm start exited before it was ready: ${err}`)));
    });
  } catch (e) {
    await stop();
    throw e;
  }
  const commands = out.split('\n').filter((l) => l.startsWith('  curl ')).map((l) => l.trim());
  const psql = out.split('\n').find((l) => l.includes(' psql '))?.trim();
  return { commands, psql, stop };
}

/** What a printed command answers, run by a shell exactly as a reader would paste it. */
async function run(command: string): Promise<Record<string, any>> { // any: JSON under test, asserted field by field
  const { stdout } = await promisify(execFile)('sh', ['-c', command]);
  return JSON.parse(stdout) as Record<string, any>;
}

describe.skipIf(process.platform === 'win32')('what `npm start` prints', () => {
  it('answers every command it suggests, and the SCIM one finds the demo user', async () => {
    const { commands, stop } = await printedCommands([]);
    try {
      expect(commands).toHaveLength(3);
      const [health, user, scim] = await Promise.all(commands.map(run));
      expect(health).toMatchObject({ status: 'ok' });
      expect(user).toMatchObject({ iamid: 'okta', userid: 'jdoe', displayName: 'Jane Doe' });
      expect(commands[2]).toContain('/scim/v2/Users');
      expect(scim).toMatchObject({ totalResults: 1, Resources: [{ userName: 'jdoe', displayName: 'Jane Doe', active: true }] });
    } finally {
      await stop();
    }
  }, 60_000);

  it('prints a psql command that reaches the query engine, where the demo impersonation works', async () => {
    const { psql, stop } = await printedCommands([]);
    try {
      expect(psql).toMatch(/^PGPASSWORD='wdn_[^']+' psql "host=127\.0\.0\.1 port=\d+ user=bim\/edixon@example\.com dbname=warden sslmode=disable"$/);
      const { stdout } = await promisify(execFile)('sh', ['-c', `${psql} -X -A -t -c "SET warden.impersonation_iamid = 'okta'" -c 'IMPERSONATE "jdoe"' -c 'SELECT count(*) FROM hr.employees'`]);
      expect(stdout.trim().split('\n').at(-1)).toBe('12');
    } finally {
      await stop();
    }
  }, 60_000);

  it('suggests only what answers without the demo data under --no-seed', async () => {
    const { commands, stop } = await printedCommands(['--no-seed']);
    try {
      expect(commands).toHaveLength(2);
      const [health, scim] = await Promise.all(commands.map(run));
      expect(health).toMatchObject({ status: 'ok' });
      expect(scim).toMatchObject({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'], filter: { supported: true } });
    } finally {
      await stop();
    }
  }, 60_000);
});
