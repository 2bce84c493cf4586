import { describe, expect, it } from 'vitest';
import { decideSubscription } from '#shared/policy/subscription-decision.ts';
import { compileSnapshot } from '#shared/policy/snapshot.ts';
import { entitlements, source, subject, TRUSTED } from './fixtures.ts';

const exercise = entitlements('exercise', { advanced: "@hasTagAsAttribute('Exercise', 'dataSource')" });

// Seed 003/004, "hierarchical matching" matrix, row by row: the user's attributes, the source's tags, subscribed?, why.
type Row = readonly [attributes: Record<string, string[]>, tags: string[], subscribed: boolean, note: string];
const ROWS: readonly Row[] = [
  [{ Exercise: ['Gym.Treadmill', 'Sports.Football.Quarterback'] }, ['Athletes.Performance', 'Sports.Football.Quarterback'], true, "exact match on 'Sports.Football.Quarterback'"],
  [{ Exercise: ['Gym.Weightlifting', 'Sports.Football'] }, ['Athletes.Performance', 'Sports.Football.Quarterback'], true, "'Sports.Football' is a hierarchical parent of 'Sports.Football.Quarterback'"],
  [{ 'News Articles': ['Gym.Weightlifting', 'Sports.Football'] }, ['Athletes.Performance', 'Sports.Football.Quarterback'], false, "only values under 'Exercise' count, not 'News Articles'"],
  [{ Exercise: ['Sports'] }, ['Sports.Baseball.Pitcher'], true, "'Sports' is a hierarchical parent of 'Sports.Baseball.Pitcher'"],
  [{ Exercise: ['Gym.Gymnastics.Trapeze', 'Sports.Football.Quarterback'] }, ['Gym.Gymnastics', 'Sports.Football'], false, 'matching goes one way: user values that are children of the tags do not match'],
];
const MATRIX = ROWS.map(([attributes, tags, subscribed, note]) => ({ attributes, tags, subscribed, note }));

describe('hierarchical matching matrix (seed 003/004)', () => {
  it.each(MATRIX)('$note', ({ attributes, tags, subscribed }) => {
    const snapshot = compileSnapshot({ sources: [source('t', tags)], domains: [], policies: [exercise], trustedIams: TRUSTED });
    const d = decideSubscription(snapshot, subject('u', { attributes }), 't');
    expect(d?.access).toBe(subscribed ? 'granted' : 'denied');
    expect(d?.subscription[0]?.satisfied).toBe(subscribed);
  });

  it('explains which value covered which tag', () => {
    const snapshot = compileSnapshot({ sources: [source('t', MATRIX[1]!.tags)], domains: [], policies: [exercise], trustedIams: TRUSTED });
    const d = decideSubscription(snapshot, subject('u', { attributes: MATRIX[1]!.attributes }), 't');
    expect(d?.subscription[0]?.explanation).toBe('bim/Exercise=Sports.Football covers source tag Sports.Football.Quarterback');
  });
});

describe('Strictly Confidential hierarchy (seed 003)', () => {
  const levels = ['Strictly Confidential', 'Strictly Confidential.Confidential', 'Strictly Confidential.Confidential.Internal', 'Strictly Confidential.Confidential.Internal.Public'];
  const sources = levels.map((tag, i) => source(`table${i}`, [tag]));
  const byGroup = entitlements('classification', { advanced: "@hasTagAsGroup('Access', 'dataSource')" });
  const bob = subject('bob', { groups: ['Strictly Confidential'] });
  const steve = subject('steve', { groups: ['Strictly Confidential.Confidential.Internal.Public'] });
  const internal = subject('ivy', { groups: ['Strictly Confidential.Confidential.Internal'] });
  const snapshot = compileSnapshot({ sources, domains: [], policies: [byGroup], trustedIams: TRUSTED });
  const visible = (s: typeof bob): string[] => sources.map((x) => x.id).filter((id) => decideSubscription(snapshot, s, id)?.access === 'granted');

  it('lets Bob (the root of the hierarchy) see every level', () => {
    expect(visible(bob)).toEqual(['table0', 'table1', 'table2', 'table3']);
  });

  it('lets Steve (the leaf) see only Public', () => {
    expect(visible(steve)).toEqual(['table3']);
  });

  it('lets an Internal user see Internal and Public only', () => {
    expect(visible(internal)).toEqual(['table2', 'table3']);
  });

  it('works the same with attributes on column tags', () => {
    const onColumns = levels.map((tag, i) => source(`c${i}`, [], { columns: [{ name: 'x', tags: [tag] }] }));
    const byAttr = entitlements('classification', { advanced: "@hasTagAsAttribute('Access', 'column')" });
    const snap = compileSnapshot({ sources: onColumns, domains: [], policies: [byAttr], trustedIams: TRUSTED });
    const u = subject('u', { attributes: { Access: ['Strictly Confidential.Confidential'] } });
    expect(onColumns.map((x) => decideSubscription(snap, u, x.id)?.access)).toEqual(['denied', 'granted', 'granted', 'granted']);
  });
});
