import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Command } from '@commander-js/extra-typings';
import { stringify } from 'yaml';
import { connect } from '../connection.ts';
import { readLive } from '../live.ts';
import { exportPath, type Kind } from '../objects.ts';
import { out, spinning } from '../ui.ts';

/** `warden export <dir>`: one YAML file per live object, keys in the schema's order, so a repository can start from the live state. */
export function exportCommand(program: Command): void {
  program
    .command('export')
    .description('write every policy (and with --catalog every data source) as one YAML file per object')
    .argument('<dir>', 'the directory to write into (created if needed)')
    .option('--catalog', 'data sources too, with their tags, domain and disabled policies', false)
    .action(async (dir, opts) => {
      const client = await connect();
      const kinds = new Set<Kind>(opts.catalog ? ['policy', 'dataSource'] : ['policy']);
      const live = await spinning('reading the live state', () => readLive(client, kinds));
      for (const o of live.values()) {
        const path = join(dir, exportPath(o));
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, stringify(o.body, { lineWidth: 0 }));
      }
      out(`Exported ${live.size} object${live.size === 1 ? '' : 's'} to ${dir}`);
    });
}
