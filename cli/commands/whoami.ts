import type { Command } from '@commander-js/extra-typings';
import { connect } from '../connection.ts';
import { color, out } from '../ui.ts';

/** `warden whoami`: the principal of the key in use and its permissions. */
export function whoamiCommand(program: Command): void {
  program
    .command('whoami')
    .description('the principal and permissions of the API key in use')
    .option('--json', 'print the answer as JSON', false)
    .action(async (opts) => {
      const client = await connect();
      const me = (await client.request('getCurrentCaller')).body;
      if (opts.json) return out(JSON.stringify(me, null, 2));
      out(`${color.bold(me.label)} at ${client.baseUrl}`);
      out(`permissions: ${me.permissions.length ? me.permissions.join(', ') : 'none'}`);
      out(`credential: ${me.via}${me.keyId ? ` (key ${me.keyId})` : ''}`);
    });
}
