import fc from 'fast-check';
import type { DataSource } from '#shared/model/catalog.ts';
import type { Subject } from '#shared/model/identity.ts';
import { subscriptionPolicySchema, type StoredPolicy } from '#shared/model/policy.ts';
import { compileSnapshot, type Snapshot } from '#shared/policy/snapshot.ts';
import type { DecideOptions } from '#shared/policy/subscription-decision.ts';
import { source, subject } from './fixtures.ts';

/*
 * Random organisations as plain JSON, covering everything a subscription decision reads:
 * every level, both merges, discovery, requests (valid, expired, not allowed), per-policy
 * trust, untrusted and inactive users, policies disabled on a source and policies that no
 * longer compile (they must fail closed).
 */

const TAGS = ['A', 'A.B', 'A.B.C', 'A.D', 'E', 'E.F'];
const VALUES = [...TAGS, 'US', 'FR'];
const KEYS = ['Country', 'Access'];
const GROUPS = ['g1', 'g2', 'A.B', 'E'];
const USERS = ['u0', 'u1', 'u2', 'u3'];
const SOURCES = ['s0', 's1', 's2', 's3'];
const IAMS = ['bim', 'okta'];

/** The moment generated approvals expire around. */
export const NOW = Date.UTC(2026, 5, 1);

const conditionArb: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    fc.tuple(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES, 'A.*')).map(([k, v]) => `@hasAttribute('${k}', '${v}')`),
    fc.uniqueArray(fc.constantFrom(...GROUPS), { minLength: 1, maxLength: 2 }).map((gs) => `@isInGroups(${gs.map((g) => `'${g}'`).join(', ')})`),
    fc.constantFrom(...IAMS).map((i) => `@iam('${i}')`),
    fc.tuple(fc.constantFrom(...KEYS), fc.constantFrom('dataSource', 'column')).map(([k, s]) => `@hasTagAsAttribute('${k}', '${s}')`),
    fc.constantFrom('dataSource', 'column').map((s) => `@hasTagAsGroup('${s}')`),
    tie('node').map((n) => `NOT (${n})`),
    fc.tuple(tie('node'), fc.constantFrom('AND', 'OR'), tie('node')).map(([l, op, r]) => `(${l}) ${op} (${r})`),
  ),
})).node;

const entitlementsArb = fc.record({
  operator: fc.constantFrom('any', 'all'),
  groups: fc.subarray(GROUPS, { maxLength: 2 }),
  attributes: fc.uniqueArray(fc.record({ name: fc.constantFrom(...KEYS), value: fc.constantFrom(...VALUES, 'A.*') }), { maxLength: 2, selector: (a) => `${a.name}=${a.value}` }),
  // An unparseable condition now and then: the policy no longer compiles and must deny.
  advanced: fc.option(fc.oneof({ weight: 9, arbitrary: conditionArb }, { weight: 1, arbitrary: fc.constant("@hasAttribute('Country'") }), { nil: undefined }),
});

const actionsArb = fc.oneof(
  fc.constant({ type: 'anyone' }),
  fc.constant({ type: 'approval' }),
  fc.record({ type: fc.constant('individuals'), individuals: fc.uniqueArray(fc.record({ userid: fc.constantFrom(...USERS), iamid: fc.option(fc.constantFrom(...IAMS), { nil: undefined }) }), { minLength: 1, maxLength: 2, selector: (i) => `${i.iamid}/${i.userid}` }) }),
  { weight: 4, arbitrary: fc.record({ type: fc.constant('entitlements'), entitlements: entitlementsArb }) },
);

const circumstanceArb = fc.oneof(
  fc.record({ type: fc.constant('tags'), tag: fc.constantFrom(...TAGS) }),
  fc.record({ type: fc.constant('columnTags'), tag: fc.constantFrom(...TAGS) }),
  fc.record({ type: fc.constant('dataSources'), ids: fc.uniqueArray(fc.constantFrom(...SOURCES), { minLength: 1, maxLength: 2 }) }),
);

const policyArb = fc.record({
  actions: actionsArb,
  merge: fc.constantFrom('alwaysRequired', 'shareResponsibility'),
  allowDiscovery: fc.boolean(),
  allowRequests: fc.boolean(),
  circumstances: fc.array(circumstanceArb, { maxLength: 2 }),
  circumstanceOperator: fc.constantFrom('any', 'all'),
  staged: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  trustedIams: fc.option(fc.subarray(IAMS), { nil: undefined, freq: 4 }),
});

const userArb = fc.record({
  iamid: fc.constantFrom(...IAMS),
  active: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  groups: fc.subarray(GROUPS),
  attributes: fc.dictionary(fc.constantFrom(...KEYS), fc.uniqueArray(fc.constantFrom(...VALUES), { maxLength: 3 }), { maxKeys: 2 }),
  // Per source: no request, one without end, one still valid, one expired.
  approvals: fc.array(fc.constantFrom('none', 'open', 'valid', 'expired'), { minLength: SOURCES.length, maxLength: SOURCES.length }),
});

const sourceArb = fc.record({ tags: fc.subarray(TAGS, { maxLength: 3 }), columnTags: fc.subarray(TAGS, { maxLength: 2 }), disabled: fc.subarray([0, 1, 2, 3, 4], { maxLength: 2 }) });

/** Organisations of up to 4 users, 4 sources and 5 policies. */
export const generatedOrgArb = fc.record({
  trustedIams: fc.subarray(IAMS),
  users: fc.array(userArb, { minLength: 1, maxLength: USERS.length }),
  sources: fc.array(sourceArb, { minLength: 1, maxLength: SOURCES.length }),
  policies: fc.array(policyArb, { minLength: 1, maxLength: 5 }),
});

/** A generated organisation, as JSON. */
export type GeneratedOrg = typeof generatedOrgArb extends fc.Arbitrary<infer T> ? T : never;

/** One question of an organisation: who, on which source, with which request. */
export interface Question {
  readonly subject: Subject;
  readonly sourceId: string;
  readonly opts: DecideOptions;
}

const REQUESTS: Record<string, DecideOptions['approvedRequest'] | undefined> = {
  none: undefined,
  open: {},
  valid: { expiresAt: new Date(NOW + 60_000).toISOString() },
  expired: { expiresAt: new Date(NOW - 60_000).toISOString() },
};

/** The organisation's snapshot, and every (user, source) question on it. */
export function materialise(org: GeneratedOrg): { snapshot: Snapshot; questions: Question[] } {
  const policies: StoredPolicy[] = org.policies.map((p, i) => {
    const createdAt = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
    const { merge, allowDiscovery, allowRequests, actions, trustedIams, ...targeting } = p;
    const document = subscriptionPolicySchema.parse({
      policyKey: `p${i}`,
      type: 'subscription',
      actions: { ...actions, merge, allowDiscovery, allowRequests },
      ...targeting,
      ...(trustedIams ? { trustedIams } : {}),
    });
    return { document, version: 1, createdAt, updatedAt: createdAt };
  });
  const sources: DataSource[] = org.sources.map((s, i) => {
    const disabled = s.disabled.filter((k) => k < policies.length).map((k) => `p${k}`);
    return { ...source(SOURCES[i]!, s.tags, { columns: [{ name: 'c', tags: s.columnTags }] }), ...(disabled.length ? { disabledPolicies: disabled } : {}) };
  });
  const snapshot = compileSnapshot({ sources, domains: [], policies, trustedIams: org.trustedIams });
  const questions = org.users.flatMap((u, i) => {
    const who = subject(USERS[i]!, u);
    return sources.map((s, k) => {
      const approvedRequest = REQUESTS[u.approvals[k]!];
      return { subject: who, sourceId: s.id, opts: { now: NOW, ...(approvedRequest ? { approvedRequest } : {}) } };
    });
  });
  return { snapshot, questions };
}
