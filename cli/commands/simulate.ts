import type { Command } from '@commander-js/extra-typings';
import type { WardenClient } from '#shared/client/index.ts';
import { CliError, connect } from '../connection.ts';
import { everyDataSource } from '../data-sources.ts';
import { effectsBySource, omittedLine } from '../effect.ts';
import { computePlan } from '../plan-model.ts';
import { planText } from '../render-plan.ts';
import { color, out, spinning } from '../ui.ts';
import { userArgument } from '../user-ref.ts';

/** Who may query each source tagged `tag` now: the users a simulated removal of those sources would cut off. */
async function usersOfTag(client: WardenClient, tag: string): Promise<string[]> {
  const ids = (await everyDataSource(client, { tag })).map((s) => s.id);
  if (!ids.length) return [`no data source carries \`${tag}\``];
  const sim = (await client.request('simulate', { body: { removeDataSources: ids } })).body;
  const lines = effectsBySource(sim).map((e) => `${color.bold(e.dataSource)}: ${e.loses.join(', ')}`);
  // Changes are listed by source id: past the last one listed, a source left out is not known to be nobody's.
  const last = sim.changesOmitted ? sim.changes.at(-1)?.dataSource ?? '' : undefined;
  const untouched = ids.filter((id) => (last === undefined || id < last) && !sim.changes.some((c) => c.dataSource === id && c.before.access === 'granted'));
  const omitted = omittedLine(sim);
  return [...[...lines, ...untouched.map((id) => `${color.bold(id)}: nobody`)].sort(), ...(omitted ? [color.yellow(omitted)] : [])];
}

/** `warden simulate <user> | --tag T [--with paths…]`: the impact on one user, or on the users of tagged sources. */
export function simulateCommand(program: Command): void {
  program
    .command('simulate')
    .description('which sources a user may query, or who may query the sources with a tag; with --with, what the files would change for them')
    .argument('[user]', 'a user, as `iamid/userid`')
    .option('--tag <tag>', 'the data sources carrying this tag (hierarchical), instead of a user')
    .option('--with <paths...>', 'simulate the change set of these files (as `warden plan` computes it)')
    .option('--prune', 'with --with: also the removal of live objects no file describes', false)
    .action(async (user, opts) => {
      if ((user === undefined) === (opts.tag === undefined)) throw new CliError('name a user (`iamid/userid`) or `--tag`, not both');
      const client = await connect();
      if (opts.with) {
        const dataSources = opts.tag ? (await everyDataSource(client, { tag: opts.tag })).map((s) => s.id) : undefined;
        if (dataSources && !dataSources.length) throw new CliError(`no data source carries \`${opts.tag}\``);
        const scope = user ? { users: [userArgument(user)] } : { dataSources: dataSources! };
        const plan = await spinning('simulating', () => computePlan(client, opts.with!, { prune: opts.prune, catalog: false, scope }));
        out(planText(plan));
        return;
      }
      if (opts.tag) {
        for (const line of await spinning('simulating', () => usersOfTag(client, opts.tag!))) out(line);
        return;
      }
      const ref = userArgument(user!);
      const { body } = await client.request('listUserDataSources', { params: ref });
      out(`${ref.iamid}/${ref.userid} may query ${body.dataSources.length ? body.dataSources.map((s) => s.id).join(', ') : 'nothing'}`);
    });
}
