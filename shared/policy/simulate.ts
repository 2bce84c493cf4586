import type { Subject, UserRef } from '#shared/model/identity.ts';
import { evaluateDataPlan } from './data/evaluate.ts';
import { grants } from './subscription-decision.ts';
import type { SourceEntry, Snapshot } from './snapshot.ts';

/** What simulation compares for one (user, source); masks and row filter only when granted. */
export interface SimulatedOutcome {
  readonly access: 'granted' | 'denied';
  readonly discoverable: boolean;
  /** Columns masked for the user, when its data policies are compared. */
  readonly maskedColumns?: readonly string[];
  /** The row filter (PostgreSQL dialect), when its data policies are compared. */
  readonly rowFilter?: string | null;
}

/** A column whose action changed for a user who may query the source before and after. */
export interface ColumnChange {
  readonly name: string;
  readonly before: 'clear' | 'mask';
  readonly after: 'clear' | 'mask';
}

/** One (user, source) pair whose outcome differs. */
export interface SimulationChange {
  readonly user: UserRef;
  readonly dataSource: string;
  readonly before: SimulatedOutcome;
  readonly after: SimulatedOutcome;
  /** When access is granted before and after: the columns now clear that were masked, and the reverse. */
  readonly columns?: readonly ColumnChange[];
}

/** The answer of a simulation: only differences, and counts. */
export interface SimulationResult {
  readonly changes: SimulationChange[];
  readonly summary: {
    gained: number;
    lost: number;
    masksChanged: number;
    rowFiltersChanged: number;
    usersEvaluated: number;
    dataSourcesEvaluated: number;
  };
}

const ABSENT: SimulatedOutcome = { access: 'denied', discoverable: false };
const OUTCOMES: Record<string, SimulatedOutcome> = {
  tt: { access: 'granted', discoverable: true },
  ft: { access: 'denied', discoverable: true },
  ff: ABSENT,
};

function sameList<T>(a: readonly T[], b: readonly T[], key: (x: T) => unknown): boolean {
  return a.length === b.length && a.every((x, i) => key(x) === key(b[i]!));
}

/** True when a source's decisions cannot differ between the two entries. */
function unchanged(a: SourceEntry, b: SourceEntry): boolean {
  const sa = a.facts.source;
  const sb = b.facts.source;
  return (
    (sa === sb || (sa.version === sb.version && sa.updatedAt === sb.updatedAt)) &&
    sameList(a.subscriptions, b.subscriptions, (p) => p.fingerprint) &&
    sameList(a.dataPolicies, b.dataPolicies, (p) => `${p.document.policyKey}@${p.version}`)
  );
}

/** The sources (of `sourceIds`, or of either snapshot) whose decisions may differ. */
export function sourcesToCompare(before: Snapshot, after: Snapshot, sourceIds?: readonly string[]): string[] {
  const ids = sourceIds ?? [...new Set([...before.sourceIds, ...after.sourceIds])];
  return ids.filter((id) => {
    const a = before.source(id);
    const b = after.source(id);
    if (!a || !b) return a !== b;
    return !unchanged(a, b);
  });
}

function outcome(entry: SourceEntry | undefined, subject: Subject, withData: boolean): SimulatedOutcome {
  if (!entry || !subject.active) return ABSENT;
  if (!grants(entry, subject)) return entry.discovery ? OUTCOMES.ft! : ABSENT;
  if (!withData) return OUTCOMES.tt!;
  const data = evaluateDataPlan(entry.dataPlan(), subject, 'postgres');
  return {
    ...OUTCOMES.tt!,
    maskedColumns: data.columns.filter((c) => c.action === 'mask').map((c) => c.name),
    rowFilter: data.rowFilter.expression,
  };
}

/** Data policies need comparing only where they, or the source's columns, changed. */
function dataMayDiffer(a: SourceEntry | undefined, b: SourceEntry | undefined): boolean {
  if (!a || !b) return false;
  const sa = a.facts.source;
  const sb = b.facts.source;
  const sameSource = sa === sb || (sa.version === sb.version && sa.updatedAt === sb.updatedAt);
  return !sameSource || !sameList(a.dataPolicies, b.dataPolicies, (p) => `${p.document.policyKey}@${p.version}`);
}

const sameMasks = (x: SimulatedOutcome, y: SimulatedOutcome): boolean =>
  (x.maskedColumns ?? []).join('\u0000') === (y.maskedColumns ?? []).join('\u0000');

/** The columns masked on one side only, in column order of either side. */
function columnChanges(was: SimulatedOutcome, now: SimulatedOutcome): ColumnChange[] {
  const before = new Set(was.maskedColumns ?? []);
  const after = new Set(now.maskedColumns ?? []);
  const unmasked = [...before].filter((c) => !after.has(c)).map((name) => ({ name, before: 'mask', after: 'clear' }) as const);
  const masked = [...after].filter((c) => !before.has(c)).map((name) => ({ name, before: 'clear', after: 'mask' }) as const);
  return [...unmasked, ...masked];
}

/**
 * Evaluates every subject on every source before and after a change and returns only the
 * differences. Sources whose applicable policies and tags are identical are skipped.
 * Access requests are not considered: they are per-user overrides, not policy.
 */
export function simulate(before: Snapshot, after: Snapshot, subjects: readonly Subject[], sourceIds?: readonly string[]): SimulationResult {
  const inScope = sourceIds ?? [...new Set([...before.sourceIds, ...after.sourceIds])];
  const changes: SimulationChange[] = [];
  let gained = 0;
  let lost = 0;
  let masksChanged = 0;
  let rowFiltersChanged = 0;
  for (const id of sourcesToCompare(before, after, inScope)) {
    const a = before.source(id);
    const b = after.source(id);
    const withData = dataMayDiffer(a, b);
    for (const subject of subjects) {
      const was = outcome(a, subject, withData);
      const now = outcome(b, subject, withData);
      if (was === now) continue;
      if (was.access !== now.access) {
        if (now.access === 'granted') gained++;
        else lost++;
      } else if (was.access === 'granted') {
        const masks = !sameMasks(was, now);
        const filter = (was.rowFilter ?? null) !== (now.rowFilter ?? null);
        if (masks) masksChanged++;
        if (filter) rowFiltersChanged++;
        if (!masks && !filter) continue;
        if (masks) {
          changes.push({ user: { iamid: subject.iamid, userid: subject.userid }, dataSource: id, before: was, after: now, columns: columnChanges(was, now) });
          continue;
        }
      } else if (was.discoverable === now.discoverable) {
        continue;
      }
      changes.push({ user: { iamid: subject.iamid, userid: subject.userid }, dataSource: id, before: was, after: now });
    }
  }
  return {
    changes,
    summary: { gained, lost, masksChanged, rowFiltersChanged, usersEvaluated: subjects.length, dataSourcesEvaluated: inScope.length },
  };
}
