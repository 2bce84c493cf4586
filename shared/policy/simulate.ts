import type { Subject, UserRef } from '#shared/model/identity.ts';
import { dataOutcome, dataOutcomeKey } from './data/evaluate.ts';
import { grants } from './subscription-decision.ts';
import type { Snapshot } from './snapshot.ts';
import type { SourceEntry } from './source-entry.ts';

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

/** The answer of a simulation: only differences (the first `limit` of them), and counts over all of them. */
export interface SimulationResult {
  readonly changes: SimulationChange[];
  /** How many differences past the limit `changes` leaves out; the summary counts them all. */
  readonly changesOmitted: number;
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

/** The same stored source (tags, columns, disabled policies) in both entries. */
function sameSource(a: SourceEntry, b: SourceEntry): boolean {
  const sa = a.facts.source;
  const sb = b.facts.source;
  return sa === sb || (sa.version === sb.version && sa.updatedAt === sb.updatedAt);
}

/** True when the same subscription policies decide on the same source: access cannot differ. */
function sameAccessRules(a: SourceEntry, b: SourceEntry): boolean {
  return sameSource(a, b) && a.discovery === b.discovery && sameList(a.subscriptions, b.subscriptions, (p) => p.fingerprint);
}

/** True when a source's decisions cannot differ between the two entries. */
function unchanged(a: SourceEntry, b: SourceEntry): boolean {
  return (
    sameSource(a, b) &&
    sameList(a.subscriptions, b.subscriptions, (p) => p.fingerprint) &&
    sameList(a.dataPolicies, b.dataPolicies, (p) => `${p.document.policyKey}@${p.version}`)
  );
}

const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const userOf = (subject: Subject): UserRef => ({ iamid: subject.iamid, userid: subject.userid });

/**
 * The sources (of `sourceIds`, or of either snapshot) whose decisions may differ. A decision on
 * a source reads only the subject and that source's entry (its stored source, the subscription
 * and data policies filed for it, its discovery rule): where the entry is the same object on
 * both sides (`deriveSnapshot` keeps the entries of the sources a change cannot touch), or its
 * stored source and policy lists are equal, no user's outcome on it can differ, so its pairs
 * are never evaluated. The property test `simulate equals comparing every pair` holds this.
 */
export function sourcesToCompare(before: Snapshot, after: Snapshot, sourceIds?: readonly string[]): string[] {
  const ids = sourceIds ?? [...new Set([...before.sourceIds, ...after.sourceIds])];
  return ids.filter((id) => {
    const a = before.source(id);
    const b = after.source(id);
    if (a === b) return false;
    if (!a || !b) return true;
    return !unchanged(a, b);
  });
}

/** Access and discovery alone: one of three shared values, so comparing them allocates nothing. */
function access(entry: SourceEntry | undefined, subject: Subject): SimulatedOutcome {
  if (!entry || !subject.active) return ABSENT;
  if (!grants(entry, subject)) return entry.discovery ? OUTCOMES.ft! : ABSENT;
  return OUTCOMES.tt!;
}

/** The outcome as reported: with the masks and row filter when granted and data policies are compared. */
function reported(entry: SourceEntry | undefined, subject: Subject, base: SimulatedOutcome, withData: boolean): SimulatedOutcome {
  return withData && base.access === 'granted' ? { ...base, ...dataOutcome(entry!.dataPlan(), subject) } : base;
}

/** Data policies need comparing only where they, or the source's columns, changed. */
function dataMayDiffer(a: SourceEntry | undefined, b: SourceEntry | undefined): boolean {
  if (!a || !b) return false;
  return !sameSource(a, b) || !sameList(a.dataPolicies, b.dataPolicies, (p) => `${p.document.policyKey}@${p.version}`);
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

/** How much of the differences a simulation lists. */
export interface SimulateOptions {
  /** The most changes listed (default: all); the summary counts every one. */
  readonly limit?: number;
}

/**
 * Evaluates every subject on every source before and after a change and returns only the
 * differences, in source id order, then in the order of `subjects`: the first `limit` of them
 * listed, every one counted. Sources whose applicable policies and tags are identical are
 * skipped. Access requests are not considered: they are per-user overrides, not policy.
 */
export function simulate(before: Snapshot, after: Snapshot, subjects: readonly Subject[], sourceIds?: readonly string[], options: SimulateOptions = {}): SimulationResult {
  const inScope = [...new Set(sourceIds ?? [...before.sourceIds, ...after.sourceIds])].sort(byId);
  const limit = options.limit ?? Infinity;
  const changes: SimulationChange[] = [];
  let omitted = 0;
  let gained = 0;
  let lost = 0;
  let masksChanged = 0;
  let rowFiltersChanged = 0;
  for (const id of sourcesToCompare(before, after, inScope)) {
    const a = before.source(id);
    const b = after.source(id);
    const withData = dataMayDiffer(a, b);
    // The same subscription policies decide alike: access is evaluated once (a data-only change).
    const sameAccess = a !== undefined && b !== undefined && sameAccessRules(a, b);
    for (const subject of subjects) {
      // Only the data policies changed: compare what they show first (cheap), and ask whether
      // the user may query the source at all only where it differs.
      if (sameAccess && (!withData || dataOutcomeKey(a.dataPlan(), subject) === dataOutcomeKey(b.dataPlan(), subject))) continue;
      const wasAccess = access(a, subject);
      const nowAccess = sameAccess ? wasAccess : access(b, subject);
      // Granted on both sides: only the data policies can differ, compared as one string each.
      const bothGranted = wasAccess === OUTCOMES.tt && nowAccess === OUTCOMES.tt;
      if (bothGranted && (!withData || (!sameAccess && dataOutcomeKey(a!.dataPlan(), subject) === dataOutcomeKey(b!.dataPlan(), subject)))) continue;
      if (!bothGranted && wasAccess.access === nowAccess.access && wasAccess.discoverable === nowAccess.discoverable) continue;
      const listed = changes.length < limit;
      if (!listed) omitted++;
      if (!bothGranted) {
        if (wasAccess.access !== nowAccess.access) {
          if (nowAccess.access === 'granted') gained++;
          else lost++;
        }
        if (listed) changes.push({ user: userOf(subject), dataSource: id, before: reported(a, subject, wasAccess, withData), after: reported(b, subject, nowAccess, withData) });
        continue;
      }
      const was = reported(a, subject, wasAccess, withData);
      const now = reported(b, subject, nowAccess, withData);
      const masks = !sameMasks(was, now);
      if (masks) masksChanged++;
      if ((was.rowFilter ?? null) !== (now.rowFilter ?? null)) rowFiltersChanged++;
      if (listed) changes.push({ user: userOf(subject), dataSource: id, before: was, after: now, ...(masks ? { columns: columnChanges(was, now) } : {}) });
    }
  }
  return {
    changes,
    changesOmitted: omitted,
    summary: { gained, lost, masksChanged, rowFiltersChanged, usersEvaluated: subjects.length, dataSourcesEvaluated: inScope.length },
  };
}
