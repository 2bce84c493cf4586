import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { startLocal, type LocalWarden } from '#local/bootstrap.ts';
import { ADMIN_KEY } from '../support/services.ts';

const BIN = fileURLToPath(new URL('../../cli/warden.js', import.meta.url));

/** What one run of the command did. */
export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A local Warden (seeded, on the run's DynamoDB Local, any free port) and a scratch directory to run `warden` in. */
export interface CliWorld {
  readonly warden: LocalWarden;
  readonly dir: string;
  /** Runs the real `warden` binary in `dir`, logged in through the environment unless `env` says otherwise. */
  run(args: readonly string[], options?: { readonly env?: Record<string, string | undefined>; readonly input?: string }): Promise<Run>;
  /** Calls the API as the admin, as a concurrent colleague would. */
  api(path: string, init?: RequestInit): Promise<Response>;
  /** Rewrites a file of `dir` with `edit`. */
  edit(file: string, edit: (text: string) => string): Promise<void>;
}

/** Starts the world; `stop()` it after the file's tests. */
export async function cliWorld(): Promise<CliWorld> {
  const warden = await startLocal({ dynamoEndpoint: inject('dynamoEndpoint'), tablePrefix: `t${randomUUID().slice(0, 8)}_`, port: 0, adminKey: ADMIN_KEY, logLevel: 'silent' });
  const dir = await mkdtemp(join(tmpdir(), 'warden-cli-'));
  const baseEnv: NodeJS.ProcessEnv = { ...process.env, WARDEN_URL: warden.url, WARDEN_API_KEY: ADMIN_KEY, XDG_CONFIG_HOME: join(dir, '.config'), NO_COLOR: undefined, FORCE_COLOR: undefined };
  return {
    warden,
    dir,
    run: (args, options = {}) =>
      new Promise((resolve, reject) => {
        const env: NodeJS.ProcessEnv = { ...baseEnv, ...options.env };
        for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
        const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env, stdio: ['pipe', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
        child.stdin.end(options.input ?? '');
      }),
    api: (path, init = {}) => fetch(`${warden.url}${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json', ...init.headers } }),
    edit: async (file, edit) => writeFile(join(dir, file), edit(await readFile(join(dir, file), 'utf8'))),
  };
}

/** Standard error without the AWS SDK's notice about Node versions, which the local server's SDK may print. */
export const problems = (stderr: string): string[] => stderr.split('\n').filter((l) => l.startsWith('error:') || /^\S+:\d+:\d+: /.test(l));
