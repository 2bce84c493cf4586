import type { Command, OptionValues } from '@commander-js/extra-typings';

/**
 * Adds the options that choose what a plan covers (`--prune`, `--catalog`), worded once for
 * `warden plan` and `warden apply`: `when` says when they apply, `catalogNote` what `--catalog` adds.
 */
export function withPlanScope<Args extends unknown[], Opts extends OptionValues>(command: Command<Args, Opts>, when: string, catalogNote: string) {
  return command
    .option('--prune', `${when}also remove live policies no file describes (and data sources, with --catalog)`, false)
    .option('--catalog', `${when}manage data sources too${catalogNote}`, false);
}
