import { backend } from '../wire/messages.ts';
import type { WardenCommand } from '../sql/statements.ts';
import type { ConnectionIdentity } from './identity.ts';

/** Carries out a warden statement (never forwarded): the messages of its answer, without ReadyForQuery. */
export async function runCommand(identity: ConnectionIdentity, command: WardenCommand, tag: string): Promise<Buffer[]> {
  switch (command.kind) {
    case 'set':
      await identity.set(command.setting, command.value);
      break;
    case 'impersonate':
      await identity.impersonate(command.userid);
      break;
    case 'end':
      await identity.end();
      break;
    case 'show': {
      const name = `warden.impersonation_${command.setting}`;
      return [backend.rowDescription([name]), backend.dataRow([identity.show(command.setting)]), backend.commandComplete('SHOW')];
    }
  }
  return [backend.commandComplete(tag)];
}

/** What Describe answers for a warden statement: SHOW has one text column, the others no rows. */
export function describeCommand(command: WardenCommand): Buffer {
  return command.kind === 'show' ? backend.rowDescription([`warden.impersonation_${command.setting}`]) : backend.noData();
}
