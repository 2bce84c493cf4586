import { readFile, stat } from 'node:fs/promises';
import type { Command } from '@commander-js/extra-typings';
import { applyPlan } from '../apply-plan.ts';
import { CliError, connect } from '../connection.ts';
import { computePlan, planSchema, type Plan } from '../plan-model.ts';
import { summaryLine } from '../effect.ts';
import { withPlanScope } from '../plan-scope.ts';
import { out, spinning } from '../ui.ts';

async function readPlan(file: string): Promise<Plan> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new CliError(`\`${file}\` is not a plan: ${(error as Error).message}`);
  }
  const parsed = planSchema.safeParse(value);
  if (!parsed.success) throw new CliError(`\`${file}\` is not a plan saved by \`warden plan --out\``);
  return parsed.data;
}

/** `warden apply <plan.json | dir>`: exactly the planned writes, each conditional on the version the plan saw. */
export function applyCommand(program: Command): void {
  const command = program
    .command('apply')
    .description('apply a saved plan (or plan and apply a directory), refusing if anything moved since')
    .argument('<plan-or-paths...>', 'a plan saved by `warden plan --out`, or directories and files');
  withPlanScope(command, 'with directories: ', '').action(async (args, opts) => {
      const client = await connect();
      const first = args[0]!;
      const isPlan = args.length === 1 && first.endsWith('.json') && (await stat(first)).isFile() && (await readFile(first, 'utf8')).includes('"warden-plan/1"');
      const plan = isPlan ? await readPlan(first) : await spinning('computing the plan', () => computePlan(client, args, { prune: opts.prune, catalog: opts.catalog }));
      if (!plan.changes.length) {
        out('No changes: the live state matches the files.');
        return;
      }
      out(summaryLine(plan));
      await applyPlan(client, plan, out);
      out(`Applied ${plan.changes.length} change${plan.changes.length === 1 ? '' : 's'}.`);
    });
}
