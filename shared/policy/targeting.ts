import type { DataSource, Domain } from '#shared/model/catalog.ts';
import type { Circumstance } from '#shared/model/policy.ts';
import { linearRegex } from './regex.ts';
import { anyCovered } from './tags.ts';

/** The targeting part shared by subscription and data policies. */
export interface TargetingInput {
  readonly circumstanceOperator: 'any' | 'all';
  readonly circumstances: readonly Circumstance[];
}

/** Decides whether a policy applies to a source; `domains` maps domain id → domain. */
export type TargetPredicate = (source: DataSource, domains: ReadonlyMap<string, Domain>) => boolean;

/**
 * Index keys under which a policy is filed: `all` (every source), `scan` (must be tested on
 * every source) or keys that a source matching the policy necessarily has one of
 * (`t:` source tag lineage, `c:` column tag lineage, `d:` domain, `s:` source id).
 */
export type TargetKeys = 'all' | 'scan' | readonly string[];

/** The matcher of a `columnRegex` circumstance (RE2, linear time); throws `RegexSyntaxError` when invalid. */
export function columnRegex(c: { regex: string; caseInsensitive: boolean }): (columnName: string) => boolean {
  const re = linearRegex(c.regex, c.caseInsensitive);
  return (name) => re.test(name);
}

/** A source belongs to a domain if it names it, or carries (hierarchically) one of its tags. */
export function sourceInDomain(source: DataSource, domain: Domain): boolean {
  return source.domain === domain.id || domain.tags.some((t) => anyCovered(t, source.tags));
}

function compileCircumstance(c: Circumstance): TargetPredicate {
  switch (c.type) {
    case 'tags':
      return (s) => anyCovered(c.tag, s.tags);
    case 'columnTags':
      return (s) => s.columns.some((col) => anyCovered(c.tag, col.tags));
    case 'columnRegex': {
      const matches = columnRegex(c);
      return (s) => s.columns.some((col) => matches(col.name));
    }
    case 'domain':
      return (s, domains) => {
        const d = domains.get(c.domain);
        return s.domain === c.domain || (d !== undefined && sourceInDomain(s, d));
      };
    case 'dataSources': {
      const ids = new Set(c.ids);
      return (s) => ids.has(s.id);
    }
  }
}

/** Compiles circumstances into one predicate; no circumstance means every source. */
export function compileTargeting(t: TargetingInput): TargetPredicate {
  if (t.circumstances.length === 0) return () => true;
  const parts = t.circumstances.map(compileCircumstance);
  return t.circumstanceOperator === 'all'
    ? (s, d) => parts.every((p) => p(s, d))
    : (s, d) => parts.some((p) => p(s, d));
}

function circumstanceKeys(c: Circumstance): readonly string[] | undefined {
  switch (c.type) {
    case 'tags':
      return [`t:${c.tag}`];
    case 'columnTags':
      return [`c:${c.tag}`];
    case 'domain':
      return [`d:${c.domain}`];
    case 'dataSources':
      return c.ids.map((id) => `s:${id}`);
    case 'columnRegex':
      return undefined;
  }
}

/** Where to file a policy in a snapshot index (see `TargetKeys`). */
export function targetKeys(t: TargetingInput): TargetKeys {
  if (t.circumstances.length === 0) return 'all';
  const keyed = t.circumstances.map(circumstanceKeys);
  if (t.circumstanceOperator === 'all') return keyed.find((k) => k !== undefined) ?? 'scan';
  if (keyed.some((k) => k === undefined)) return 'scan';
  return keyed.flatMap((k) => k ?? []);
}
