import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideSubscription, grants } from '#shared/policy/subscription-decision.ts';
import { assertOverPairs } from './fixtures.ts';
import { generatedOrgArb, materialise } from './generated-org.ts';

/** Always Required must all hold and one Share Responsibility must, when there is one: the rule, from the verdicts alone. */
function mergedVerdicts(verdicts: readonly { merge: string; satisfied: boolean }[]): boolean {
  const shared = verdicts.filter((v) => v.merge === 'shareResponsibility');
  return verdicts.length > 0 && verdicts.every((v) => v.merge !== 'alwaysRequired' || v.satisfied) && (shared.length === 0 || shared.some((v) => v.satisfied));
}

describe('grants, the yes/no answer', () => {
  it('equals the explained decision on every (user, source) pair of generated organisations', () => {
    assertOverPairs(generatedOrgArb, 400, (org) => {
      const { snapshot, questions } = materialise(org);
      return questions.map((q) => {
        const yes = grants(snapshot.source(q.sourceId)!, q.subject);
        // Without a request: grants answers exactly what the explained decision says.
        expect(yes).toBe(decideSubscription(snapshot, q.subject, q.sourceId, { now: q.opts.now })!.access === 'granted');
        // With one: a request can only add access, never take it away.
        if (yes) expect(decideSubscription(snapshot, q.subject, q.sourceId, q.opts)!.access).toBe('granted');
        return yes;
      });
    });
  });

  it('agrees with the verdicts a decision explains itself with', () => {
    fc.assert(
      fc.property(generatedOrgArb, (org) => {
        const { snapshot, questions } = materialise(org);
        for (const q of questions) {
          const d = decideSubscription(snapshot, q.subject, q.sourceId, { now: q.opts.now })!;
          expect(d.access === 'granted', JSON.stringify(d)).toBe(q.subject.active && mergedVerdicts(d.subscription));
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('a decision explained on first read', () => {
  it('spreads and serialises with its verdicts and reason, in the order of its fields, built once', () => {
    const [org] = fc.sample(
      generatedOrgArb.filter((o) => {
        const { snapshot, questions } = materialise(o);
        return questions.some((q) => decideSubscription(snapshot, q.subject, q.sourceId, q.opts)!.reason?.startsWith('not satisfied'));
      }),
      { seed: 3, numRuns: 1 },
    );
    const { snapshot, questions } = materialise(org!);
    const q = questions.find((x) => decideSubscription(snapshot, x.subject, x.sourceId, x.opts)!.reason?.startsWith('not satisfied'))!;
    const d = decideSubscription(snapshot, q.subject, q.sourceId, q.opts)!;
    const spread = { ...d };
    expect(Object.keys(spread).filter((k) => k !== 'disabledPolicies')).toEqual(['access', 'discoverable', 'subscription', 'reason']);
    expect(spread.subscription.length).toBeGreaterThan(0);
    expect(spread.reason).toMatch(/^not satisfied: `p\d+`/);
    expect(JSON.parse(JSON.stringify(d))).toEqual(JSON.parse(JSON.stringify(spread)));
    expect(d.subscription).toBe(d.subscription);
  });
});
