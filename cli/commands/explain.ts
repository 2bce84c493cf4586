import type { Command } from '@commander-js/extra-typings';
import { DIALECTS, type Dialect } from '#shared/model/decision.ts';
import { CliError, connect } from '../connection.ts';
import { decisionTree } from '../render-decision.ts';
import { out } from '../ui.ts';
import { userArgument } from '../user-ref.ts';

/** `warden explain <iamid/userid> <data-source>`: the decision as a tree, and the enforcing query. */
export function explainCommand(program: Command): void {
  program
    .command('explain')
    .description('why a user may or may not query a data source, and what it sees')
    .argument('<user>', 'the user, as `iamid/userid`')
    .argument('<data-source>', 'the data source id')
    .option('--dialect <dialect>', `SQL dialect of the query: ${DIALECTS.join(', ')}`, 'postgres')
    .option('--json', 'print the decision as JSON', false)
    .action(async (user, dataSource, opts) => {
      if (!(DIALECTS as readonly string[]).includes(opts.dialect)) throw new CliError(`unknown dialect \`${opts.dialect}\`: expected one of ${DIALECTS.join(', ')}`);
      const client = await connect();
      const { body } = await client.request('decide', { body: { user: userArgument(user), dataSource, dialect: opts.dialect as Dialect } });
      out(opts.json ? JSON.stringify(body, null, 2) : decisionTree(body, opts.dialect));
    });
}
