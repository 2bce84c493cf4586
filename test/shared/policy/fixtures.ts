import fc from 'fast-check';
import { expect } from 'vitest';
import type { Column, DataSource, Domain } from '#shared/model/catalog.ts';
import type { Subject } from '#shared/model/identity.ts';
import { subscriptionPolicySchema, type StoredPolicy } from '#shared/model/policy.ts';

/** The IAMs trusted for policy matching in these tests: that of `subject()` by default. */
export const TRUSTED: readonly string[] = ['bim'];

/** A subject from plain data. */
export function subject(
  userid: string,
  opts: { groups?: string[]; attributes?: Record<string, string[]>; iamid?: string; active?: boolean } = {},
): Subject {
  return {
    userid,
    iamid: opts.iamid ?? 'bim',
    active: opts.active ?? true,
    groups: new Set(opts.groups ?? []),
    attributes: new Map(Object.entries(opts.attributes ?? {}).map(([k, v]) => [k, new Set(v)])),
  };
}

/** A data source with table tags and optional columns. */
export function source(id: string, tags: string[] = [], opts: { columns?: Partial<Column>[]; domain?: string; version?: number } = {}): DataSource {
  return {
    id,
    name: id,
    platform: 'postgres',
    database: 'db',
    schema: 'public',
    table: id,
    owners: [],
    tags,
    domain: opts.domain,
    columns: (opts.columns ?? []).map((c, i) => ({ name: c.name ?? `c${i}`, type: c.type ?? 'varchar', tags: c.tags ?? [] })),
    version: opts.version ?? 1,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
  };
}

/** A domain. */
export function domain(id: string, tags: string[] = []): Domain {
  return { id, name: id, tags, version: 1 };
}

let clock = 0;

/** A stored subscription policy from a document (defaults applied by the schema). */
export function policy(doc: Record<string, unknown>, version = 1): StoredPolicy {
  const createdAt = new Date(Date.UTC(2026, 0, 1) + clock++ * 1000).toISOString();
  return { document: subscriptionPolicySchema.parse({ type: 'subscription', ...doc }), version, createdAt, updatedAt: createdAt };
}

/** An entitlements subscription policy. */
export function entitlements(
  policyKey: string,
  ent: Record<string, unknown>,
  opts: { merge?: 'alwaysRequired' | 'shareResponsibility'; circumstances?: unknown[]; circumstanceOperator?: 'any' | 'all'; staged?: boolean; allowDiscovery?: boolean; allowRequests?: boolean } = {},
): StoredPolicy {
  const { circumstances = [], circumstanceOperator, staged, merge, ...actions } = opts;
  return policy({
    policyKey,
    actions: { type: 'entitlements', entitlements: ent, ...(merge ? { merge } : {}), ...actions },
    circumstances,
    ...(circumstanceOperator ? { circumstanceOperator } : {}),
    ...(staged !== undefined ? { staged } : {}),
  });
}

/**
 * Runs `check` on `numRuns` generated organisations; `check` answers, per (user, source) pair
 * it checked, whether access was granted. Over all runs there must be more than `minPairs`
 * pairs and both answers common (10–90 % granted), so a generator that only ever denies fails.
 */
export function assertOverPairs<T>(arb: fc.Arbitrary<T>, numRuns: number, check: (org: T) => readonly boolean[], minPairs = 0): void {
  let pairs = 0;
  let granted = 0;
  fc.assert(
    fc.property(arb, (org) => {
      for (const yes of check(org)) {
        pairs++;
        if (yes) granted++;
      }
    }),
    { numRuns },
  );
  expect(pairs).toBeGreaterThan(minPairs);
  expect(granted / pairs).toBeGreaterThan(0.1);
  expect(granted / pairs).toBeLessThan(0.9);
}
