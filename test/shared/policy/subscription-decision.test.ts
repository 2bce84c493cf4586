import { describe, expect, it } from 'vitest';
import type { StoredPolicy } from '#shared/model/policy.ts';
import { decideSubscription } from '#shared/policy/subscription-decision.ts';
import { compileSnapshot } from '#shared/policy/snapshot.ts';
import { domain, entitlements, policy, source, subject, TRUSTED } from './fixtures.ts';

const SC = [{ type: 'tags', tag: 'Strictly Confidential' }];
const sources = [source('hr_data', ['Strictly Confidential.Confidential']), source('public_data', ['Public'])];

function decide(policies: StoredPolicy[], who: ReturnType<typeof subject>, id = 'hr_data', opts = {}) {
  return decideSubscription(compileSnapshot({ sources, domains: [domain('dev', ['Dev'])], policies, trustedIams: TRUSTED }), who, id, opts);
}

describe('three Always Required ABAC policies (seed 003)', () => {
  const employee = entitlements('employee', { attributes: [{ name: 'Employment', value: 'Employee' }] }, { merge: 'alwaysRequired', circumstances: SC });
  const legal = entitlements('legal', { groups: ['Legal'] }, { merge: 'alwaysRequired', circumstances: SC });
  const countryUs = entitlements('country-access', { attributes: [{ name: 'Country', value: 'US' }] }, { merge: 'alwaysRequired', circumstances: SC });
  const countryUsFr = entitlements(
    'country-access',
    { operator: 'any', attributes: [{ name: 'Country', value: 'US' }, { name: 'Country', value: 'France' }] },
    { merge: 'alwaysRequired', circumstances: SC },
  );
  const person = (country: string, opts: { employment?: string; groups?: string[] } = {}) =>
    subject(`${country}-${opts.employment ?? 'Employee'}`, { groups: opts.groups ?? ['Legal'], attributes: { Country: [country], Employment: [opts.employment ?? 'Employee'] } });

  it('ANDs the three: every one must hold', () => {
    const policies = [employee, legal, countryUs];
    expect(decide(policies, person('US'))?.access).toBe('granted');
    expect(decide(policies, person('US', { employment: 'Contractor' }))?.access).toBe('denied');
    expect(decide(policies, person('US', { groups: ['Finance'] }))?.access).toBe('denied');
    expect(decide(policies, person('France'))?.access).toBe('denied');
  });

  it('lets French legal employees in once the Country policy includes France, and nobody else', () => {
    const policies = [employee, legal, countryUsFr];
    expect(decide(policies, person('France'))?.access).toBe('granted');
    expect(decide(policies, person('US'))?.access).toBe('granted');
    expect(decide(policies, person('Germany'))?.access).toBe('denied');
    expect(decide(policies, person('France', { employment: 'Contractor' }))?.access).toBe('denied');
  });

  it('explains every policy and leaves untargeted sources without policy', () => {
    const d = decide([employee, legal, countryUs], person('France'));
    expect(d?.subscription).toEqual([
      { policyKey: 'employee', merge: 'alwaysRequired', satisfied: true, explanation: 'bim/Employment=Employee' },
      { policyKey: 'legal', merge: 'alwaysRequired', satisfied: true, explanation: 'member of bim/Legal' },
      { policyKey: 'country-access', merge: 'alwaysRequired', satisfied: false, explanation: 'none of: bim/Country=US' },
    ]);
    expect(d?.reason).toBe('not satisfied: `country-access`');
    expect(decide([employee, legal, countryUs], person('US'), 'public_data')).toMatchObject({ access: 'denied', subscription: [], reason: 'no subscription policy applies' });
  });

  it('explains an all-operator policy the way the contract shows', () => {
    const p = entitlements('country-access', { operator: 'all', groups: ['Legal'], attributes: [{ name: 'Country', value: 'US' }] });
    expect(decide([p], person('US'))?.subscription[0]?.explanation).toBe('member of bim/Legal; bim/Country=US');
    expect(decide([p], person('US', { groups: [] }))?.subscription[0]?.explanation).toBe('not member of bim/Legal');
  });
});

describe('the "subscription-testers" flow (seed 004)', () => {
  const devSources = [source('orders_dev', ['Sales'], { domain: 'dev' })];
  const testers = entitlements('subscription-testers', { attributes: [{ name: 'policy test', value: 'sales-access' }] }, { merge: 'alwaysRequired', circumstances: [{ type: 'domain', domain: 'dev' }] });
  const underTest = entitlements('sales-access', { groups: ['Sales'] }, { circumstances: [{ type: 'domain', domain: 'dev' }] });
  const snap = compileSnapshot({ sources: devSources, domains: [domain('dev')], policies: [testers, underTest], trustedIams: TRUSTED });
  const run = (groups: string[], attrs: Record<string, string[]>) => decideSubscription(snap, subject('t', { groups, attributes: attrs }), 'orders_dev');

  it('grants a tester who also meets the policy under test', () => {
    expect(run(['Sales'], { 'policy test': ['sales-access'] })?.access).toBe('granted');
  });

  it('blocks a tester the policy under test rejects: the two policies are ANDed', () => {
    expect(run([], { 'policy test': ['sales-access'] })?.access).toBe('denied');
  });

  it('blocks a non-tester even when the policy under test would grant', () => {
    const d = run(['Sales'], {});
    expect(d?.access).toBe('denied');
    expect(d?.subscription.map((v) => [v.policyKey, v.satisfied])).toEqual([
      ['subscription-testers', false],
      ['sales-access', true],
    ]);
  });
});

describe('merge of mixed policies', () => {
  const guard = entitlements('guard', { groups: ['Employees'] }, { merge: 'alwaysRequired' });
  const shareA = entitlements('share-a', { groups: ['Finance'] });
  const shareB = entitlements('share-b', { groups: ['Legal'] });
  const cases: Array<[string[], 'granted' | 'denied']> = [
    [['Employees', 'Finance'], 'granted'],
    [['Employees', 'Legal'], 'granted'],
    [['Employees'], 'denied'],
    [['Finance', 'Legal'], 'denied'],
    [[], 'denied'],
  ];
  it.each(cases)('(guard) AND (a OR b) for groups %j → %s', (groups, access) => {
    expect(decide([guard, shareA, shareB], subject('u', { groups }))?.access).toBe(access);
  });

  it('lets Always Required policies decide alone when no Share Responsibility policy applies', () => {
    expect(decide([guard], subject('u', { groups: ['Employees'] }))?.access).toBe('granted');
  });

  it('ORs Share Responsibility policies alone', () => {
    expect(decide([shareA, shareB], subject('u', { groups: ['Legal'] }))?.access).toBe('granted');
  });

  it('combines entitlements with an advanced condition as one more condition', () => {
    const anyOf = entitlements('p', { operator: 'any', groups: ['Finance'], advanced: "NOT @isInGroups('Contractors')" });
    const allOf = entitlements('p', { operator: 'all', groups: ['Finance'], advanced: "NOT @isInGroups('Contractors')" });
    const contractor = subject('c', { groups: ['Contractors'] });
    const financeContractor = subject('fc', { groups: ['Finance', 'Contractors'] });
    expect(decide([anyOf], subject('x'))?.access).toBe('granted');
    expect(decide([anyOf], contractor)?.access).toBe('denied');
    expect(decide([allOf], subject('x'))?.access).toBe('denied');
    expect(decide([allOf], financeContractor)?.access).toBe('denied');
    expect(decide([allOf], subject('f', { groups: ['Finance'] }))?.access).toBe('granted');
  });
});

describe('levels, discovery and users', () => {
  it('grants everyone with level anyone, except inactive users', () => {
    const anyone = policy({ policyKey: 'open', actions: { type: 'anyone' } });
    expect(decide([anyone], subject('u'))?.access).toBe('granted');
    expect(decide([anyone], subject('u', { active: false }))).toMatchObject({ access: 'denied', discoverable: false, reason: 'user is inactive' });
  });

  it('grants listed individuals, defaulting their iamid to bim', () => {
    const p = policy({ policyKey: 'ind', actions: { type: 'individuals', individuals: [{ userid: 'jdoe', iamid: 'okta' }, { userid: 'amy' }] } });
    expect(decide([p], subject('jdoe', { iamid: 'okta' }))?.access).toBe('granted');
    expect(decide([p], subject('jdoe', { iamid: 'bim' }))?.access).toBe('denied');
    expect(decide([p], subject('amy'))?.subscription[0]?.explanation).toBe('listed individually');
  });

  it('makes a denied source discoverable only when an applicable policy allows discovery', () => {
    const hidden = entitlements('hidden', { groups: ['Legal'] });
    const visible = entitlements('visible', { groups: ['Legal'] }, { allowDiscovery: true });
    expect(decide([hidden], subject('u'))).toMatchObject({ access: 'denied', discoverable: false });
    expect(decide([visible], subject('u'))).toMatchObject({ access: 'denied', discoverable: true });
    expect(decide([hidden], subject('u', { groups: ['Legal'] }))).toMatchObject({ access: 'granted', discoverable: true });
  });

  it('ignores staged policies', () => {
    const staged = entitlements('staged-guard', { groups: ['Nobody'] }, { merge: 'alwaysRequired', staged: true });
    const open = policy({ policyKey: 'open', actions: { type: 'anyone' } });
    const d = decide([staged, open], subject('u'));
    expect(d?.access).toBe('granted');
    expect(d?.subscription.map((v) => v.policyKey)).toEqual(['open']);
    expect(decide([staged], subject('u'))?.access).toBe('denied');
  });

  it('answers undefined for an unknown source', () => {
    expect(decide([], subject('u'), 'nope')).toBeUndefined();
  });
});

describe('approval and access requests', () => {
  const now = Date.parse('2026-06-01T00:00:00Z');
  const approval = policy({ policyKey: 'ask', actions: { type: 'approval' } });
  const requestable = entitlements('legal', { groups: ['Legal'] }, { allowRequests: true });
  const strict = entitlements('strict', { groups: ['Legal'] }, { merge: 'alwaysRequired' });
  const valid = { approvedRequest: { expiresAt: '2026-07-01T00:00:00Z' }, now };
  const expired = { approvedRequest: { expiresAt: '2026-05-01T00:00:00Z' }, now };

  it('grants the approval level only with an approved, unexpired request', () => {
    expect(decide([approval], subject('u'))?.subscription[0]).toMatchObject({ satisfied: false, explanation: 'requires an approved access request' });
    expect(decide([approval], subject('u'), 'hr_data', valid)?.access).toBe('granted');
    expect(decide([approval], subject('u'), 'hr_data', { approvedRequest: {}, now })?.access).toBe('granted');
    expect(decide([approval], subject('u'), 'hr_data', expired)?.access).toBe('denied');
  });

  it('overrides a failing policy only while every policy on the source allows requests', () => {
    expect(decide([requestable], subject('u'), 'hr_data', valid)).toMatchObject({ access: 'granted', reason: 'approved access request' });
    expect(decide([requestable], subject('u'), 'hr_data', expired)?.access).toBe('denied');
    expect(decide([requestable, strict], subject('u'), 'hr_data', valid)?.access).toBe('denied');
  });

  it('does not let an approved request satisfy an approval policy when another policy forbids requests', () => {
    const anyoneNoRequests = policy({ policyKey: 'open', actions: { type: 'anyone', merge: 'alwaysRequired' } });
    expect(decide([approval, anyoneNoRequests], subject('u'), 'hr_data', valid)?.access).toBe('denied');
    const anyoneWithRequests = policy({ policyKey: 'open', actions: { type: 'anyone', merge: 'alwaysRequired', allowRequests: true } });
    expect(decide([approval, anyoneWithRequests], subject('u'), 'hr_data', valid)?.access).toBe('granted');
  });

  it('never lets an inactive user use an approved request', () => {
    expect(decide([requestable], subject('u', { active: false }), 'hr_data', valid)?.access).toBe('denied');
  });
});

describe('a policy that fails', () => {
  it('never grants: a stored policy that no longer compiles denies everywhere', () => {
    const broken: StoredPolicy = { ...policy({ policyKey: 'open', actions: { type: 'anyone' } }) };
    const bad = { ...broken, document: { ...broken.document, policyKey: 'bad', actions: { type: 'entitlements', entitlements: { operator: 'any', groups: [], attributes: [], advanced: '@nope()' } } } } as unknown as StoredPolicy;
    const d = decide([broken, bad], subject('u'));
    expect(d?.access).toBe('denied');
    expect(d?.subscription.find((v) => v.policyKey === 'bad')?.explanation).toBe('policy does not compile: unknown function `@nope` at 0');
  });
});
