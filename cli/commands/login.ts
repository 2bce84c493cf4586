import { text } from 'node:stream/consumers';
import type { Command } from '@commander-js/extra-typings';
import password from '@inquirer/password';
import { createWardenClient } from '#shared/client/index.ts';
import { readLogin, writeLogin } from '../config-file.ts';
import { CliError } from '../connection.ts';
import { out } from '../ui.ts';

/** `warden login`: checks the key against the API, then stores endpoint and key (0600). */
export function loginCommand(program: Command): void {
  program
    .command('login')
    .description("store the endpoint and API key in the user's config directory (file mode 0600)")
    .option('--url <url>', 'the API base URL (default: `WARDEN_URL`, or the stored one)')
    .option('--api-key-stdin', 'read the API key from standard input instead of asking', false)
    .action(async (opts) => {
      const url = opts.url ?? process.env.WARDEN_URL ?? (await readLogin())?.url;
      if (!url) throw new CliError('no endpoint: pass `--url` or set `WARDEN_URL`');
      const fromStdin = opts.apiKeyStdin || !process.stdin.isTTY;
      const apiKey = (fromStdin ? await text(process.stdin) : await password({ message: `API key for ${url}`, mask: '*' })).trim();
      if (!apiKey) throw new CliError('no API key given');
      const me = await createWardenClient({ baseUrl: url, apiKey }).request('getCurrentCaller');
      const path = await writeLogin({ url, apiKey });
      out(`Logged in to ${url} as ${me.body.label}; saved in ${path}`);
    });
}
