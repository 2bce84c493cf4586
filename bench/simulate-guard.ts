import { subscriptionPolicySchema, type StoredPolicy } from '#shared/model/policy.ts';

/** Sets of the tag tree the guard targets: each holds about 0.3% of the sources. */
export const GUARD_SETS = 3;

/** The change both simulation benchmarks simulate: a new Always Required guard (`Country` US) on the sources carrying any of `tags`. */
export function guardOn(tags: readonly string[]): StoredPolicy {
  return {
    document: subscriptionPolicySchema.parse({
      policyKey: 'bench-guard',
      type: 'subscription',
      actions: { type: 'entitlements', merge: 'alwaysRequired', entitlements: { attributes: [{ name: 'Country', value: 'US' }] } },
      circumstances: tags.map((tag) => ({ type: 'tags', tag })),
    }),
    version: 1,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
  };
}

/** The guard's tags in an organisation: the first `GUARD_SETS` tags of the tree's third level. */
export const guardTags = (tags: readonly string[]): string[] => tags.filter((tag) => tag.split('.').length === 3).slice(0, GUARD_SETS);
