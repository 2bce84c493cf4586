import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attributeFact, factSet, groupFact, holdsAll, holdsAny, subjectFacts } from '#shared/policy/condition/facts.ts';
import { attributeTest } from '#shared/policy/conditions.ts';
import { compileSnapshot } from '#shared/policy/snapshot.ts';
import { decideSubscription, grants } from '#shared/policy/subscription-decision.ts';
import { entitlements, source, subject, TRUSTED } from './fixtures.ts';

const segment = fc.constantFrom('a', 'b', 'c');
const dotted = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('.'));
const expected = fc.oneof(dotted, dotted.map((d) => `${d}.*`), fc.constant('.*'));
const userValue = fc.oneof(dotted, dotted.map((d) => `.${d}`), fc.constant('a.'));

describe("a subject's facts", () => {
  it('hold an attribute value exactly when the explained test finds it, `.*` descendants included', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('Dept', 'Site'), fc.array(userValue, { maxLength: 3 })), fc.constantFrom('Dept', 'Site'), expected, (attributes, name, value) => {
        const id = attributeFact(name, value);
        const s = subject('u', { attributes });
        expect(subjectFacts(s).includes(id)).toBe(attributeTest(name, value)(s));
      }),
      { numRuns: 500 },
    );
  });

  it('answer any-of and all-of as the sets they stand for', () => {
    const ids = fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 12 });
    fc.assert(
      fc.property(ids, ids, (held, wanted) => {
        const facts = factSet(held);
        const w = factSet(wanted);
        expect(holdsAny(facts, w)).toBe(wanted.some((x) => held.includes(x)));
        expect(holdsAll(facts, w)).toBe(wanted.every((x) => held.includes(x)));
      }),
      { numRuns: 500 },
    );
  });

  it('are worked out again for a user decided on before a policy naming its group was compiled', () => {
    const sources = [source('s1', ['T'])];
    const circumstances = [{ type: 'tags', tag: 'T' }];
    const ann = subject('ann', { groups: ['group-first-named-later'] });
    const before = compileSnapshot({ sources, domains: [], policies: [entitlements('p1', { groups: ['Other'] }, { circumstances })], trustedIams: TRUSTED });
    expect(grants(before.source('s1')!, ann)).toBe(false);
    const after = compileSnapshot({ sources, domains: [], policies: [entitlements('p2', { groups: ['group-first-named-later'] }, { circumstances })], trustedIams: TRUSTED });
    expect(grants(after.source('s1')!, ann)).toBe(true);
    expect(decideSubscription(after, ann, 's1')!.access).toBe('granted');
    expect(subjectFacts(ann)).toContain(groupFact('group-first-named-later'));
  });

  it('stay out of copies and serialisations of the subject, and are worked out for a frozen one', () => {
    const id = groupFact('group-kept-on-the-subject');
    const bea = subject('bea', { groups: ['group-kept-on-the-subject'] });
    expect(subjectFacts(bea)).toContain(id);
    const copy = { ...bea };
    expect(Reflect.ownKeys(copy)).toEqual(Object.keys(bea));
    expect(JSON.stringify(copy)).toBe(JSON.stringify(subject('bea', { groups: ['group-kept-on-the-subject'] })));
    // A copy without the group (the view of an untrusted IAM, say) holds none of its facts.
    expect(subjectFacts({ ...bea, groups: new Set(['Other']) })).not.toContain(id);
    const frozen = Object.freeze(subject('cid', { groups: ['group-kept-on-the-subject'] }));
    expect(subjectFacts(frozen)).toContain(id);
  });
});
