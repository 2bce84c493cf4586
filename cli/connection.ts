import { createWardenClient, WardenApiError, type WardenClient } from '#shared/client/index.ts';
import { readLogin } from './config-file.ts';

/** A failure the CLI reports as one line and exit code 1. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

/** The endpoint and key: `WARDEN_URL` and `WARDEN_API_KEY` first, then what `warden login` stored. */
export async function connect(): Promise<WardenClient> {
  const stored = await readLogin();
  const url = process.env.WARDEN_URL || stored?.url;
  const apiKey = process.env.WARDEN_API_KEY || stored?.apiKey;
  if (!url || !apiKey) throw new CliError('not logged in: run `warden login`, or set `WARDEN_URL` and `WARDEN_API_KEY`');
  return createWardenClient({ baseUrl: url, apiKey, headers: { 'user-agent': 'warden-cli' } });
}

/** The one line an error is reported as. */
export function describeError(error: unknown): string {
  if (error instanceof WardenApiError) return `${error.problem.detail} (${error.operationId}: HTTP ${error.status})`;
  if (error instanceof CliError) return error.message;
  const io = error as NodeJS.ErrnoException;
  if (io.code === 'ENOENT' && io.path) return `\`${io.path}\` does not exist`;
  if (error instanceof TypeError && error.cause instanceof Error) return `cannot reach warden: ${error.cause.message}`;
  return error instanceof Error ? error.message : String(error);
}
