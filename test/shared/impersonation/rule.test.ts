import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mayImpersonate, type Impersonator } from '#shared/impersonation/rule.ts';
import { requireAllowListFromEnv } from '#shared/impersonation/settings.ts';
import { PERMISSIONS, type Principal } from '#shared/model/identity.ts';

const biTool: Principal = { type: 'service', id: 'bi-tool' };
const edixon: Principal = { type: 'user', iamid: 'okta', id: 'edixon' };
const who = (principal: Principal, permissions: string[] = [], via: Impersonator['via'] = 'api-key') =>
  ({ principal, via, permissions: new Set(permissions) }) as Impersonator;
const listed = (...allowedImpersonators: Principal[]) => ({ allowedImpersonators });

describe('the impersonation rule', () => {
  it('lets a user holding IMPERSONATE_USER impersonate, listed or not, unless the allow list is required', () => {
    expect(mayImpersonate(who(edixon, ['IMPERSONATE_USER']), listed(), false)).toEqual({ allowed: true });
    expect(mayImpersonate(who(edixon, ['IMPERSONATE_USER']), listed(edixon), true)).toEqual({ allowed: true });
    expect(mayImpersonate(who(edixon, ['IMPERSONATE_USER']), listed(), true)).toMatchObject({ allowed: false, code: 'not-allow-listed' });
  });

  it('refuses a listed user without IMPERSONATE_USER: the list alone does not give a user the right', () => {
    const verdict = mayImpersonate(who(edixon, ['QUERY_ENGINE']), listed(edixon), false);
    expect(verdict).toMatchObject({ allowed: false, code: 'no-permission' });
    expect(verdict.allowed || verdict.reason).toBe('`user:okta/edixon` may not impersonate: requires permission `IMPERSONATE_USER`');
  });

  it('lets a service principal impersonate only from the allow list, whatever its permissions (as Databricks)', () => {
    expect(mayImpersonate(who(biTool), listed(biTool), false)).toEqual({ allowed: true });
    const verdict = mayImpersonate(who(biTool, [...PERMISSIONS]), listed(), false);
    expect(verdict).toMatchObject({ allowed: false, code: 'not-allow-listed' });
    expect(verdict.allowed || verdict.reason).toContain('a service principal must be in `allowedImpersonators`');
  });

  it('never lets the bootstrap admin or an impersonation token impersonate, even when listed', () => {
    const admin: Principal = { type: 'service', id: 'admin' };
    expect(mayImpersonate(who(admin, [...PERMISSIONS], 'bootstrap'), listed(admin), false)).toMatchObject({ allowed: false, code: 'bootstrap' });
    expect(mayImpersonate(who(edixon, ['IMPERSONATE_USER'], 'impersonation'), listed(edixon), false)).toMatchObject({ allowed: false, code: 'impersonation-token' });
  });

  it('tells users apart by IAM and services from users of the same id', () => {
    expect(mayImpersonate(who({ type: 'service', id: 'edixon' }), listed(edixon), false).allowed).toBe(false);
    expect(mayImpersonate(who({ type: 'user', iamid: 'bim', id: 'edixon' }, ['IMPERSONATE_USER']), listed(edixon), true).allowed).toBe(false);
  });

  it('is exactly: user ⇔ permission ∧ (listed ∨ ¬required); service ⇔ listed; bootstrap never', () => {
    const principal = fc.oneof(
      fc.record({ type: fc.constant('service' as const), id: fc.constantFrom('bi-tool', 'tableau', 'admin') }),
      fc.record({ type: fc.constant('user' as const), iamid: fc.constantFrom('okta', 'bim'), id: fc.constantFrom('edixon', 'bi-tool') }),
    );
    fc.assert(
      fc.property(principal, fc.subarray([...PERMISSIONS]), fc.array(principal, { maxLength: 4 }), fc.boolean(), fc.constantFrom('api-key', 'bootstrap', 'impersonation'), (p, perms, list, required, via) => {
        const isListed = list.some((a) => JSON.stringify(a) === JSON.stringify(p));
        const expected = via === 'api-key' && (p.type === 'service' ? isListed : perms.includes('IMPERSONATE_USER') && (isListed || !required));
        expect(mayImpersonate(who(p, perms, via as Impersonator['via']), listed(...list), required).allowed).toBe(expected);
      }),
    );
  });
});

describe('WARDEN_REQUIRE_ALLOW_LIST', () => {
  it('is off unless set, and refuses a value that is not a boolean, naming the variable', () => {
    expect(requireAllowListFromEnv({})).toBe(false);
    expect(requireAllowListFromEnv({ WARDEN_REQUIRE_ALLOW_LIST: 'true' })).toBe(true);
    expect(() => requireAllowListFromEnv({ WARDEN_REQUIRE_ALLOW_LIST: 'sometimes' })).toThrow(/WARDEN_REQUIRE_ALLOW_LIST `sometimes`/);
  });
});
