import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import envPaths from 'env-paths';
import * as z from 'zod';

/** What `warden login` stores. */
export interface Login {
  readonly url: string;
  readonly apiKey: string;
}

const loginSchema = z.object({ url: z.url(), apiKey: z.string().min(1) });

/** The file `warden login` writes: `config.json` in the user's configuration directory (XDG on Linux). */
export function configPath(): string {
  return join(envPaths('warden', { suffix: '' }).config, 'config.json');
}

/** The stored login, or undefined when there is none; a file that is not one is an error naming it. */
export async function readLogin(): Promise<Login | undefined> {
  const path = configPath();
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = loginSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`\`${path}\` is not a warden login: run \`warden login\` again`);
  return parsed.data;
}

/** Stores the login readable by the user alone (0600, in a 0700 directory), replacing any other. */
export async function writeLogin(login: Login): Promise<string> {
  const path = configPath();
  const dir = join(path, '..');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(path, `${JSON.stringify(login, null, 2)}\n`, { mode: 0o600 });
  // `mode` applies only when the file is created; an older file keeps its mode otherwise.
  await chmod(path, 0o600);
  return path;
}
