import { readFileSync } from 'node:fs';
import { Command, CommanderError } from '@commander-js/extra-typings';
import { applyCommand } from './commands/apply.ts';
import { auditCommand } from './commands/audit.ts';
import { completionCommands } from './commands/completion.ts';
import { explainCommand } from './commands/explain.ts';
import { exportCommand } from './commands/export.ts';
import { loginCommand } from './commands/login.ts';
import { planCommand } from './commands/plan.ts';
import { simulateCommand } from './commands/simulate.ts';
import { whoamiCommand } from './commands/whoami.ts';
import { describeError } from './connection.ts';
import { InvalidFilesError } from './files.ts';
import { err } from './ui.ts';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command()
  .name('warden')
  .description('policy as code for Warden: export, plan, apply, explain, audit, simulate')
  .version(version)
  .showHelpAfterError()
  .exitOverride();
for (const add of [loginCommand, whoamiCommand, exportCommand, planCommand, applyCommand, explainCommand, auditCommand, simulateCommand, completionCommands]) add(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and version exit 0; a usage error has been printed by commander already.
    process.exitCode = error.exitCode === 0 ? 0 : 1;
  } else if (error instanceof InvalidFilesError) {
    for (const p of error.problems) err(`${p.file}:${p.line}:${p.col}: ${p.message}`);
    err(`error: ${error.problems.length} problem${error.problems.length === 1 ? '' : 's'} in the files`);
    process.exitCode = 1;
  } else {
    err(`error: ${describeError(error)}`);
    process.exitCode = 1;
  }
}
