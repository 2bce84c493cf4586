import { InvalidArgumentError } from '@commander-js/extra-typings';
import type { Plan } from './plan-model.ts';

/** What a change set does on one data source, for reading. */
export interface SourceEffect {
  readonly dataSource: string;
  readonly gains: string[];
  readonly loses: string[];
  /** `okta/bob: ssn clear → masked` */
  readonly columns: string[];
  /** `okta/bob: (region = 'x') → none` */
  readonly rowFilters: string[];
  /** Users denied before and after who may now discover that the source exists. */
  readonly discovers: string[];
  /** Users denied before and after who no longer may. */
  readonly undiscovers: string[];
}

type Effect = NonNullable<Plan['effect']>;

const action = (a: 'clear' | 'mask') => (a === 'mask' ? 'masked' : 'clear');

/** The simulated changes grouped by data source, in source order, users in the order simulated. */
export function effectsBySource(effect: Effect): SourceEffect[] {
  const out = new Map<string, SourceEffect>();
  for (const c of effect.changes) {
    let e = out.get(c.dataSource);
    if (!e) out.set(c.dataSource, (e = { dataSource: c.dataSource, gains: [], loses: [], columns: [], rowFilters: [], discovers: [], undiscovers: [] }));
    const who = `${c.user.iamid}/${c.user.userid}`;
    if (c.before.access !== c.after.access) {
      (c.after.access === 'granted' ? e.gains : e.loses).push(who);
      continue;
    }
    if (c.before.access === 'denied') {
      (c.after.discoverable ? e.discovers : e.undiscovers).push(who);
      continue;
    }
    for (const col of c.columns ?? []) e.columns.push(`${who}: ${col.name} ${action(col.before)} → ${action(col.after)}`);
    const was = c.before.rowFilter ?? null;
    const now = c.after.rowFilter ?? null;
    if (was !== now) e.rowFilters.push(`${who}: ${was ?? 'none'} → ${now ?? 'none'}`);
  }
  return [...out.values()].sort((a, b) => (a.dataSource < b.dataSource ? -1 : 1));
}

/** Reads `--limit`: a whole number of changes, at least 0 (the server refuses more than it lists). */
export function changeLimit(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`expected a whole number of changes, not \`${value}\``);
  return n;
}

/** The line that says how many changes the answer left out, or undefined when it lists them all. */
export function omittedLine(effect: Effect): string | undefined {
  const n = effect.changesOmitted;
  if (!n) return undefined;
  return `… and ${n.toLocaleString('en-US')} more ${n === 1 ? 'change' : 'changes'} not listed (the server lists the first ${effect.changes.length.toLocaleString('en-US')}); the summary counts them all`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The counts of a plan: objects added, changed, removed, and what the change does. */
export function summaryLine(plan: Plan): string {
  const count = (a: string) => plan.changes.filter((c) => c.action === a).length;
  if (!plan.changes.length) return 'No changes: the live state matches the files.';
  const s = plan.effect?.summary;
  const effect = s
    ? `; ${plural(s.gained, 'access gained', 'accesses gained')}, ${plural(s.lost, 'access lost', 'accesses lost')}, ` +
      `${plural(s.masksChanged, 'mask change')}, ${plural(s.rowFiltersChanged, 'row filter change')}`
    : '';
  return `Plan: ${count('create')} to add, ${count('update')} to change, ${count('delete')} to remove${effect}.`;
}
