import { writeFile } from 'node:fs/promises';
import type { Command } from '@commander-js/extra-typings';
import { connect } from '../connection.ts';
import { changeLimit } from '../effect.ts';
import { computePlan } from '../plan-model.ts';
import { planMarkdown, planText } from '../render-plan.ts';
import { withPlanScope } from '../plan-scope.ts';
import { out, spinning } from '../ui.ts';

/** `warden plan <dir|files…>`: exit 0 when nothing changes, 2 when something would, 1 on error. */
export function planCommand(program: Command): void {
  const command = program
    .command('plan')
    .description('compare policy files with the live state and simulate the effect of the whole change set')
    .argument('<paths...>', 'directories or YAML/JSON files');
  withPlanScope(command, '', ': compare every one, and prune them with --prune')
    .option('--out <file>', 'save the plan, with the live versions it was computed against, for `warden apply`')
    .option('--format <format>', 'text or markdown (a pull-request comment)', 'text')
    .option('--json', 'print the plan as JSON', false)
    .option('--limit <n>', 'list at most n simulated changes (server default 10,000, most 20,000); the summary counts them all', changeLimit)
    .action(async (paths, opts) => {
      if (opts.format !== 'text' && opts.format !== 'markdown') throw new Error(`unknown format \`${opts.format}\`: expected \`text\` or \`markdown\``);
      const client = await connect();
      const limit = opts.limit;
      const plan = await spinning('computing the plan', () => computePlan(client, paths, { prune: opts.prune, catalog: opts.catalog, ...(limit !== undefined ? { limit } : {}) }));
      if (opts.out) await writeFile(opts.out, `${JSON.stringify(plan, null, 2)}\n`);
      if (opts.json) out(JSON.stringify(plan, null, 2));
      else if (opts.format === 'markdown') process.stdout.write(planMarkdown(plan));
      else out(planText(plan));
      process.exitCode = plan.changes.length ? 2 : 0;
    });
}
