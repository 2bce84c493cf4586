import { describe, expect, it } from 'vitest';
import { dataPolicySchema, type StoredPolicy } from '#shared/model/policy.ts';
import { compileSnapshot, decide, decideSubscription } from '#shared/policy/index.ts';
import { entitlements, policy, source, subject } from './fixtures.ts';

// A second IdP's SCIM token may name its groups anything: mallory pushed herself into HR and Legal.
const mallory = subject('mallory', { iamid: 'partner', groups: ['HR', 'Legal', 'Contractors'], attributes: { Country: ['US'] } });
const jane = subject('jdoe', { iamid: 'okta', groups: ['HR', 'Legal'], attributes: { Country: ['US'] } });
const hr = source('hr_data', ['HR'], { columns: [{ name: 'ssn', tags: ['SSN'] }, { name: 'region', tags: ['Region'] }] });

const data = (policyKey: string, rules: unknown[], extra: Record<string, unknown> = {}): StoredPolicy => ({
  document: dataPolicySchema.parse({ policyKey, type: 'data', rules, ...extra }),
  version: 1,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
});
const maskSsn = (extra: Record<string, unknown> = {}) =>
  data('mask-ssn', [{ type: 'masking', fields: [{ type: 'columnTags', tag: 'SSN' }], masking: { type: 'hash' }, exceptions: { groups: ['HR'] } }], extra);
const anyone = policy({ policyKey: 'anyone', actions: { type: 'anyone' } });

const snapshot = (policies: StoredPolicy[], trustedIams: string[] = ['bim', 'okta']) => compileSnapshot({ sources: [hr], domains: [], policies, trustedIams });
const verdict = (policies: StoredPolicy[], who = mallory, trustedIams?: string[]) => decideSubscription(snapshot(policies, trustedIams), who, 'hr_data')!;

describe('groups and attributes count only for the IAMs a policy trusts', () => {
  it('fails entitlements of an untrusted IAM, and says so', () => {
    const legal = entitlements('legal', { groups: ['Legal'] });
    expect(verdict([legal])).toMatchObject({ access: 'denied', subscription: [{ satisfied: false, explanation: 'iam `partner` is not trusted by this policy' }] });
    expect(verdict([legal], jane)).toMatchObject({ access: 'granted', subscription: [{ satisfied: true, explanation: 'member of okta/Legal' }] });
    const us = entitlements('us', { attributes: [{ name: 'Country', value: 'US' }] });
    expect(verdict([us]).access).toBe('denied');
    expect(verdict([us], jane).subscription[0]!.explanation).toBe('okta/Country=US');
    expect(verdict([entitlements('adv', { advanced: "@isInGroups('HR') OR @hasAttribute('Country', 'US')" })]).access).toBe('denied');
    expect(verdict([entitlements('tag', { advanced: "@hasTagAsGroup('dataSource')" })]).access).toBe('denied');
  });

  it('leaves individuals and `@iam` alone: they name the IAM themselves', () => {
    expect(verdict([policy({ policyKey: 'ind', actions: { type: 'individuals', individuals: [{ iamid: 'partner', userid: 'mallory' }] } })]).access).toBe('granted');
    expect(verdict([entitlements('iam', { advanced: "@iam('partner')" })])).toMatchObject({ access: 'granted', subscription: [{ explanation: 'iam partner' }] });
  });

  it('sees an untrusted user as one with no groups at all, so a negation holds as it would for them', () => {
    const notContractors = entitlements('employees', { advanced: "NOT @isInGroups('Contractors')" });
    expect(verdict([notContractors]).subscription[0]).toMatchObject({ satisfied: true, explanation: 'iam `partner` is not trusted by this policy; not member of partner/Contractors' });
  });

  it('trusts only the IAMs a policy names in `trustedIams`, whatever the deployment trusts', () => {
    const legalForPartner = policy({ policyKey: 'legal', trustedIams: ['partner'], actions: { type: 'entitlements', entitlements: { groups: ['Legal'] } } });
    expect(verdict([legalForPartner]).access).toBe('granted');
    expect(verdict([legalForPartner], jane)).toMatchObject({ access: 'denied', subscription: [{ explanation: 'iam `okta` is not trusted by this policy' }] });
    expect(verdict([entitlements('legal', { groups: ['Legal'] })], jane, ['bim']).access).toBe('denied');
  });

  it('applies no mask exception to an untrusted user, and shows the trusted one the clear value', () => {
    const column = (who = mallory, policies = [anyone, maskSsn()]) => decide(snapshot(policies), who, 'hr_data', 'postgres')!.columns.find((c) => c.name === 'ssn')!;
    expect(column()).toMatchObject({ action: 'mask', policyKey: 'mask-ssn' });
    expect(column(jane)).toMatchObject({ action: 'clear', explanation: 'excepted from `mask-ssn`: member of okta/HR' });
    expect(column(mallory, [anyone, maskSsn({ trustedIams: ['partner'] })])).toMatchObject({ action: 'clear', explanation: 'excepted from `mask-ssn`: member of partner/HR' });
    const inclusion = data('mask-contractors', [{ type: 'masking', fields: [{ type: 'columnTags', tag: 'SSN' }], masking: { type: 'null' }, inclusions: { groups: ['Contractors'] } }]);
    expect(column(mallory, [anyone, inclusion])).toMatchObject({ action: 'clear', explanation: 'not included in `mask-contractors`: iam `partner` is not trusted by this policy' });
  });

  it('writes row filters and custom masks with no groups or attributes for an untrusted user', () => {
    const filters = data('rows', [
      { type: 'rowFilterByEntitlement', matches: [{ type: 'group', columnTag: 'Region' }] },
      { type: 'rowFilterByPredicate', predicate: "@attributeValuesContains('Country', region) OR has_group('HR') OR @username = 'mallory'" },
      { type: 'masking', fields: [{ type: 'columnTags', tag: 'SSN' }], masking: { type: 'custom', sql: "CASE WHEN has_group('HR') THEN @column ELSE 'x' END" } },
    ]);
    const answer = (who = mallory) => decide(snapshot([anyone, filters]), who, 'hr_data', 'postgres')!;
    expect(answer().rowFilter.expression).toBe(`((FALSE)) AND ((((FALSE) OR FALSE) OR ('mallory' = 'mallory')))`);
    expect(answer().columns.find((c) => c.name === 'ssn')!.expression).toBe(`(CASE WHEN FALSE THEN "ssn" ELSE 'x' END)`);
    expect(answer(jane).rowFilter.expression).toBe(`(("region" IN ('HR', 'Legal'))) AND (((("region" IN ('US')) OR TRUE) OR ('jdoe' = 'mallory')))`);
  });

  it('recompiles a reused policy when the deployment starts or stops trusting an IAM', () => {
    const legal = entitlements('legal', { groups: ['Legal'] });
    const before = compileSnapshot({ sources: [hr], domains: [], policies: [legal], trustedIams: ['okta'] });
    const after = compileSnapshot({ sources: [hr], domains: [], policies: [legal], trustedIams: ['okta', 'partner'] }, before);
    expect(after.trustedIams).toEqual(new Set(['okta', 'partner']));
    expect(decideSubscription(before, mallory, 'hr_data')!.access).toBe('denied');
    expect(decideSubscription(after, mallory, 'hr_data')!.access).toBe('granted');
    expect(after.subscriptions.get('legal')!.fingerprint).not.toBe(before.subscriptions.get('legal')!.fingerprint);
  });
});
