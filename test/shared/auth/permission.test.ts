import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Caller } from '#shared/auth/caller.ts';
import { PermissionError } from '#shared/auth/errors.ts';
import { requireSelfOr } from '#shared/auth/permission.ts';
import { PERMISSIONS, type Permission } from '#shared/model/identity.ts';

const caller = (principal: Caller['principal'], permissions: Permission[] = []): Caller => ({ principal, permissions: new Set(permissions), via: 'api-key' });
const ann = caller({ type: 'user', iamid: 'okta', id: 'ann' });

describe('requireSelfOr', () => {
  it('lets a user act for itself, named as a user or as a principal', () => {
    expect(() => requireSelfOr(ann, { iamid: 'okta', userid: 'ann' }, ['USER_ADMIN'])).not.toThrow();
    expect(() => requireSelfOr(ann, { type: 'user', iamid: 'okta', id: 'ann' }, ['USER_ADMIN'])).not.toThrow();
  });

  it('tells apart the same userid in another IAM, and a service of the same id', () => {
    expect(() => requireSelfOr(ann, { iamid: 'partner', userid: 'ann' }, ['USER_ADMIN'])).toThrow('requires permission `USER_ADMIN`, or to be the user');
    expect(() => requireSelfOr(caller({ type: 'service', id: 'ann' }), { iamid: 'okta', userid: 'ann' }, ['USER_ADMIN'])).toThrow(PermissionError);
  });

  it('without a subject, requires one of the permissions and names them', () => {
    expect(() => requireSelfOr(ann, undefined, ['GOVERNANCE', 'QUERY_ENGINE'])).toThrow('requires permission `GOVERNANCE` or `QUERY_ENGINE`');
    expect(() => requireSelfOr(caller(ann.principal, ['QUERY_ENGINE']), undefined, ['GOVERNANCE', 'QUERY_ENGINE'])).not.toThrow();
    expect(() => requireSelfOr(ann, { type: 'service', id: 'bi' }, ['USER_ADMIN'], 'no')).toThrow(new PermissionError('no'));
  });

  it('passes exactly when the caller is the subject or holds one of the permissions', () => {
    const permission = fc.constantFrom(...PERMISSIONS);
    fc.assert(
      fc.property(fc.uniqueArray(permission), fc.uniqueArray(permission, { minLength: 1 }), fc.boolean(), (held, anyOf, self) => {
        const who = caller({ type: 'user', iamid: 'okta', id: 'ann' }, held);
        const pass = self || anyOf.some((p) => held.includes(p));
        const run = () => requireSelfOr(who, { iamid: 'okta', userid: self ? 'ann' : 'bob' }, anyOf as [Permission, ...Permission[]]);
        if (pass) expect(run).not.toThrow();
        else expect(run).toThrow(PermissionError);
      }),
    );
  });
});
