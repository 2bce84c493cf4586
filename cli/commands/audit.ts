import type { Command } from '@commander-js/extra-typings';
import type { ReplyOf, RouteOf, WardenClient } from '#shared/client/index.ts';
import { CliError, connect } from '../connection.ts';
import { color, out } from '../ui.ts';

type AuditRecord = ReplyOf<RouteOf<'queryAudit'>>['body']['records'][number];

const UNITS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `90s`, `15m`, `1h`, `7d` as milliseconds. */
export function duration(text: string): number {
  const m = /^(\d{1,6})([smhd])$/.exec(text);
  if (!m) throw new CliError(`\`${text}\` is not a duration: expected a number and s, m, h or d, such as \`1h\``);
  return Number(m[1]) * UNITS[m[2] as keyof typeof UNITS];
}

/** One record on one line: when, what, on what, by whom. */
function recordLine(r: AuditRecord): string {
  const status = r.actionStatus === 'SUCCESS' ? r.actionStatus : color.red(r.actionStatus);
  const by = r.impersonationUser ? `${r.userId} (by ${r.impersonationUser})` : r.userId;
  return `${color.dim(r.eventTimestamp)}  ${color.bold(r.action)} ${status}  ${r.targetType} ${r.targets.join(', ')}  ${by}`;
}

interface AuditFilter {
  readonly userid?: string;
  readonly iamid?: string;
  readonly action?: string;
}

async function page(client: WardenClient, filter: AuditFilter, from: string, limit: number): Promise<AuditRecord[]> {
  const { body } = await client.request('queryAudit', { query: { ...filter, from, limit } });
  return [...body.records].reverse();
}

/** `warden audit`: the trail, oldest first; `--follow` keeps printing new records until interrupted. */
export function auditCommand(program: Command): void {
  program
    .command('audit')
    .description('read the audit trail; --follow tails it')
    .option('--user <user>', 'who acted or was acted as: `iamid/userid`, or a bare id')
    .option('--action <action>', 'only this action (`UPDATE`, `DECISION`, …)')
    .option('--since <duration>', 'how far back: 90s, 15m, 1h, 7d', '1h')
    .option('--limit <n>', 'most records printed before following', '100')
    .option('--follow', 'keep printing new records', false)
    .option('--interval <duration>', 'how often --follow asks', '2s')
    .action(async (opts) => {
      const client = await connect();
      const slash = opts.user?.indexOf('/') ?? -1;
      const filter: AuditFilter = {
        ...(opts.user ? (slash > 0 ? { iamid: opts.user.slice(0, slash), userid: opts.user.slice(slash + 1) } : { userid: opts.user }) : {}),
        ...(opts.action ? { action: opts.action } : {}),
      };
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new CliError(`\`--limit\`: \`${opts.limit}\` is not a number from 1 to 1000`);
      let from = new Date(Date.now() - duration(opts.since)).toISOString();
      const seen = new Set<string>();
      const print = (records: readonly AuditRecord[]) => {
        for (const r of records) {
          if (seen.has(r.id)) continue;
          seen.add(r.id);
          out(recordLine(r));
          if (r.eventTimestamp > from) from = r.eventTimestamp;
        }
      };
      print(await page(client, filter, from, limit));
      if (!opts.follow) return;
      const every = duration(opts.interval);
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, every));
        // `from` is inclusive: records of the last second printed are asked again and skipped.
        print(await page(client, filter, from, 1000));
      }
    });
}
