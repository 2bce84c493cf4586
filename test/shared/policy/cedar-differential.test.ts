import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { preparsePolicySet, statefulIsAuthorized } from '@cedar-policy/cedar-wasm/nodejs';
import type { StoredPolicy } from '#shared/model/policy.ts';
import type { ConditionNode } from '#shared/policy/condition/ast.ts';
import { decideSubscription } from '#shared/policy/subscription-decision.ts';
import { compileSnapshot } from '#shared/policy/snapshot.ts';
import { trustedView } from '#shared/policy/trust.ts';
import { cedarPolicies, cedarRequest, cedarSource, cedarUser } from '../../../bench/cedar-translate.ts';
import { assertOverPairs, policy, source, subject } from './fixtures.ts';

/*
 * Warden and Cedar must agree on every (user, source) pair of random organisations.
 * The generator is restricted to what the Cedar translation expresses: levels anyone,
 * entitlements (groups, attributes with exact or `.*` values, advanced conditions over every
 * function of the language) and individuals; targeting by source tag, column tag or source id.
 * Not generated: domains and column regexes (Cedar has no regex and no domain concept) and
 * the approval level / access requests (state outside policies). Which IAMs are trusted is
 * random: Cedar is given the user as such a policy sees it (no groups, no attributes when its
 * IAM is not trusted), Warden the user as it is.
 */

const TAGS = ['A', 'A.B', 'A.B.C', 'A.D', 'E', 'E.F', 'E.F.G'];
const VALUES = [...TAGS, 'US', 'FR'];
const KEYS = ['Country', 'Access'];
const GROUPS = ['g1', 'g2', 'A.B', 'E'];
const USERS = ['u0', 'u1', 'u2', 'u3', 'u4', 'u5'];

const leafArb: fc.Arbitrary<ConditionNode> = fc.oneof(
  fc.record({ kind: fc.constant('hasAttribute' as const), name: fc.constantFrom(...KEYS), value: fc.constantFrom(...VALUES, 'A.*', 'E.F.*') }),
  fc.record({ kind: fc.constant('isInGroups' as const), groups: fc.uniqueArray(fc.constantFrom(...GROUPS), { minLength: 1, maxLength: 2 }) }),
  fc.record({ kind: fc.constant('iam' as const), iamid: fc.constantFrom('bim', 'okta') }),
  fc.record({ kind: fc.constant('hasTagAsAttribute' as const), name: fc.constantFrom(...KEYS), scope: fc.constantFrom('dataSource' as const, 'column' as const) }),
  fc.record({ kind: fc.constant('hasTagAsGroup' as const), scope: fc.constantFrom('dataSource' as const, 'column' as const) }),
);

const conditionArb: fc.Arbitrary<ConditionNode> = fc.letrec<{ node: ConditionNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafArb,
    fc.record({ kind: fc.constant('not' as const), operand: tie('node') }),
    fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), left: tie('node'), right: tie('node') }),
  ),
})).node;

/** Prints a condition back to the language, with varied quoting and keyword case. */
function print(n: ConditionNode, style: boolean): string {
  const q = (s: string): string => (style ? `'${s}'` : `"${s}"`);
  const kw = (k: string): string => (style ? k : k.toLowerCase());
  switch (n.kind) {
    case 'hasAttribute':
      return `@hasAttribute(${q(n.name)}, ${q(n.value)})`;
    case 'isInGroups':
      return `@isInGroups(${n.groups.map(q).join(', ')})`;
    case 'iam':
      return `@iam(${q(n.iamid)})`;
    case 'hasTagAsAttribute':
      return `@hasTagAsAttribute(${q(n.name)}, ${q(n.scope)})`;
    case 'hasTagAsGroup':
      return style ? `@hasTagAsGroup(${q(n.scope)})` : `@hasTagAsGroup('Access', ${q(n.scope)})`;
    case 'not':
      return `${kw('NOT')} (${print(n.operand, style)})`;
    case 'and':
    case 'or':
      return `(${print(n.left, style)}) ${kw(n.kind.toUpperCase())} (${print(n.right, style)})`;
  }
}

const userArb = fc.record({
  groups: fc.subarray(GROUPS),
  attributes: fc.dictionary(fc.constantFrom(...KEYS), fc.uniqueArray(fc.constantFrom(...VALUES), { maxLength: 3 }), { maxKeys: 2 }),
  iamid: fc.constantFrom('bim', 'okta'),
  active: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
});

const sourceArb = fc.record({ tags: fc.subarray(TAGS, { maxLength: 3 }), columnTags: fc.subarray(TAGS, { maxLength: 2 }) });

const circumstanceArb = fc.oneof(
  fc.record({ type: fc.constant('tags'), tag: fc.constantFrom(...TAGS) }),
  fc.record({ type: fc.constant('columnTags'), tag: fc.constantFrom(...TAGS) }),
  fc.record({ type: fc.constant('dataSources'), ids: fc.uniqueArray(fc.constantFrom('s0', 's1', 's2', 's3'), { minLength: 1, maxLength: 2 }) }),
);

const actionsArb = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ type: 'anyone' }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('individuals'), individuals: fc.uniqueArray(fc.record({ userid: fc.constantFrom(...USERS), iamid: fc.constantFrom('bim', 'okta') }), { minLength: 1, maxLength: 2, selector: (i) => `${i.iamid}/${i.userid}` }) }) },
  {
    weight: 6,
    arbitrary: fc.record({
      type: fc.constant('entitlements'),
      entitlements: fc.record({
        operator: fc.constantFrom('any', 'all'),
        groups: fc.subarray(GROUPS, { maxLength: 2 }),
        attributes: fc.uniqueArray(fc.record({ name: fc.constantFrom(...KEYS), value: fc.constantFrom(...VALUES, 'A.*') }), { maxLength: 2, selector: (a) => `${a.name}=${a.value}` }),
        advanced: fc.option(fc.tuple(conditionArb, fc.boolean()).map(([n, style]) => print(n, style)), { nil: undefined }),
      }),
    }),
  },
);

const policyArb = fc.record({
  actions: actionsArb,
  merge: fc.constantFrom('alwaysRequired', 'shareResponsibility'),
  circumstances: fc.array(circumstanceArb, { maxLength: 2 }),
  circumstanceOperator: fc.constantFrom('any', 'all'),
  staged: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
});

const orgArb = fc.record({
  users: fc.array(userArb, { minLength: 1, maxLength: USERS.length }),
  sources: fc.array(sourceArb, { minLength: 1, maxLength: 4 }),
  policies: fc.array(policyArb, { minLength: 1, maxLength: 5 }),
  trustedIams: fc.subarray(['bim', 'okta']),
});


describe('differential test against Cedar', () => {
  it('agrees with Cedar on every (user, source) pair of random organisations', () => {
    // The generator must exercise both answers, not only the default deny.
    assertOverPairs(
      orgArb,
      1500,
      (org) => {
        const subjects = org.users.map((u, i) => subject(USERS[i]!, u));
        const sources = org.sources.map((s, i) => source(`s${i}`, s.tags, { columns: [{ name: 'c', tags: s.columnTags }] }));
        const policies: StoredPolicy[] = org.policies.map((p, i) =>
          policy({ policyKey: `p${i}`, actions: { ...p.actions, merge: p.merge }, circumstances: p.circumstances, circumstanceOperator: p.circumstanceOperator, staged: p.staged }),
        );
        const snapshot = compileSnapshot({ sources, domains: [], policies, trustedIams: org.trustedIams });
        const text = cedarPolicies(policies);
        const psetId = 'differential';
        const parsed = preparsePolicySet(psetId, { staticPolicies: text });
        expect(parsed, text).toEqual({ type: 'success' });
        const answers: boolean[] = [];
        for (const s of subjects) {
          const user = cedarUser(trustedView(s, snapshot.trustedIams));
          for (const src of sources) {
            const answer = statefulIsAuthorized({ ...cedarRequest(s, src.id), preparsedPolicySetId: psetId, entities: [user, ...cedarSource(src)] });
            if (answer.type !== 'success') throw new Error(JSON.stringify(answer.errors));
            expect(answer.response.diagnostics.errors, text).toEqual([]);
            const warden = decideSubscription(snapshot, s, src.id)?.access;
            const cedar = answer.response.decision === 'allow' ? 'granted' : 'denied';
            expect(warden, `${text}\nuser ${JSON.stringify(user)}\nsource ${JSON.stringify(src)}`).toBe(cedar);
            answers.push(cedar === 'granted');
          }
        }
        return answers;
      },
      5000,
    );
  });
});
