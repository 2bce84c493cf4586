import type { Command } from '@commander-js/extra-typings';
import tabtab from '@pnpm/tabtab';
import { CliError } from '../connection.ts';

/** Candidates for the word being completed: a command after `warden`, else the options of the command, else files. */
function candidates(program: Command, line: string): string[] {
  const words = line.trim().split(/\s+/).slice(1);
  const partial = line.endsWith(' ') ? '' : (words.pop() ?? '');
  const command = program.commands.find((c) => c.name() === words[0]);
  if (!command) return program.commands.map((c) => c.name()).filter((n) => !n.startsWith('completion-'));
  if (partial.startsWith('-')) return command.options.map((o) => o.long ?? '').filter(Boolean);
  return ['__tabtab_complete_files__'];
}

/** `warden completion [shell]` prints the completion script; the shell calls `warden completion-server` on each Tab. */
export function completionCommands(program: Command): void {
  program
    .command('completion')
    .description('print the shell completion script (bash, zsh, fish, pwsh): `warden completion bash >> ~/.bashrc`')
    .argument('[shell]', 'the shell (default: from `SHELL`)')
    .action(async (shell) => {
      const name = shell ?? tabtab.getShellFromEnv(process.env);
      if (!tabtab.isShellSupported(name)) throw new CliError(`unsupported shell \`${name}\`: expected one of ${tabtab.SUPPORTED_SHELLS.join(', ')}`);
      process.stdout.write(await tabtab.getCompletionScript({ name: 'warden', completer: 'warden', shell: name }));
    });
  program
    .command('completion-server', { hidden: true })
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      const env = tabtab.parseEnv(process.env);
      if (!env.complete) return;
      tabtab.log(candidates(program, env.line.slice(0, env.point)), tabtab.getShellFromEnv(process.env));
    });
}
